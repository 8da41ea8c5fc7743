package org.codaasr.model;

/**
 * The one unchecked exception the library throws. Checked exceptions from codecs, ONNX Runtime and
 * the file system are caught once at the library boundary and rethrown as this, with the cause
 * attached and a message that says what was expected.
 */
public class AsrException extends RuntimeException {

    public AsrException(String message) {
        super(message);
    }

    public AsrException(String message, Throwable cause) {
        super(message, cause);
    }
}
