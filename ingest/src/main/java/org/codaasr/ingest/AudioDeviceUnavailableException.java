package org.codaasr.ingest;

import org.codaasr.model.AsrException;

/** No audio capture device can deliver the requested format (e.g. a headless server). */
public class AudioDeviceUnavailableException extends AsrException {

    public AudioDeviceUnavailableException(String message) {
        super(message);
    }

    public AudioDeviceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
