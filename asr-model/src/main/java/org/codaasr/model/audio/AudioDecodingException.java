package org.codaasr.model.audio;

import org.codaasr.model.AsrException;

/** An audio file could not be decoded: the message names the source, the problem and what was expected. */
public class AudioDecodingException extends AsrException {

    public AudioDecodingException(String message) {
        super(message);
    }

    public AudioDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
