package org.codaasr.app;

import picocli.CommandLine.Option;

/** Where {@code /metrics} is served: the option {@code streams}, {@code serve} and {@code demo} share. */
public final class MetricsOptions {

    @Option(names = "--metrics-port", defaultValue = "" + MetricsEndpoint.DEFAULT_PORT,
            description = "Port of /metrics (Prometheus text format) on 127.0.0.1, 0 for any free one "
                    + "(default: ${DEFAULT-VALUE}).")
    int port;

    MetricsEndpoint start() {
        return MetricsEndpoint.start(port);
    }
}
