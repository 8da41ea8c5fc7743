package org.codaasr.app;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Where {@code /metrics} is served: the option {@code streams}, {@code serve} and {@code demo} share. */
public final class MetricsOptions {

    @Option(names = "--metrics-port", defaultValue = "" + MetricsEndpoint.DEFAULT_PORT,
            description = "Port of /metrics (Prometheus text format) on 127.0.0.1, 0 for any free one "
                    + "(default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--metrics-listen", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address of /metrics (default: ${DEFAULT-VALUE}; it names no stream and holds no text, "
                    + "so a container may offer it to a Prometheus beside it with 0.0.0.0).")
    String listen;

    MetricsEndpoint start(CommandSpec spec) {
        return MetricsEndpoint.start(AudioSocketOptions.address(spec, "--metrics-listen", listen), port);
    }
}
