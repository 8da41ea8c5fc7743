package org.codaasr.model.onnx;

import org.codaasr.model.AsrException;

/**
 * A model used after it was closed, e.g. by a thread still decoding while the application shuts down. Not a fault of
 * the input: callers that isolate failing inputs let this one through.
 */
public final class ModelClosedException extends AsrException {

    public ModelClosedException(String message) {
        super(message);
    }
}
