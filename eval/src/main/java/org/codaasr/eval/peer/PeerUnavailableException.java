package org.codaasr.eval.peer;

import org.codaasr.model.AsrException;

/** Node.js, npm or the sherpa-onnx-node package cannot be had on this machine. */
public class PeerUnavailableException extends AsrException {

    public PeerUnavailableException(String message) {
        super(message);
    }

    public PeerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
