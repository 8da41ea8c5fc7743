package org.codaasr.app;

import picocli.CommandLine.Option;

/** The ports of the Vosk and sherpa-onnx protocols: the options {@code serve} and {@code demo} share. */
public final class ProtocolPortOptions {

    @Option(names = "--vosk-port", defaultValue = "" + ProtocolServers.VOSK_PORT,
            description = "Port of Vosk's WebSocket protocol, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int vosk;

    @Option(names = "--sherpa-onnx-port", defaultValue = "" + ProtocolServers.SHERPA_ONNX_PORT,
            description = "Port of sherpa-onnx's online WebSocket protocol, 0 for any free one "
                    + "(default: ${DEFAULT-VALUE}).")
    int sherpaOnnx;
}
