package org.codaasr.eval.baseline;

import org.codaasr.model.AsrException;

/** The pocketsphinx binary or its model is not installed. */
public class PocketSphinxUnavailableException extends AsrException {

    public PocketSphinxUnavailableException(String message) {
        super(message);
    }
}
