package org.codaasr.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.codaasr.model.AsrException;

/**
 * {@code GET /metrics} in the Prometheus text format (Micrometer's Prometheus registry), on the loopback address
 * unless told otherwise, without a token: what is served names no stream and holds no text. JVM memory, CPU and uptime are in it; the
 * parts a command runs add theirs to {@link #registry()}.
 */
final class MetricsEndpoint implements AutoCloseable {

    static final int DEFAULT_PORT = 9464;
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final HttpServer server;

    private MetricsEndpoint(PrometheusMeterRegistry registry, HttpServer server) {
        this.registry = registry;
        this.server = server;
    }

    /** Serves on {@code port} of the loopback address (0: any free port). */
    static MetricsEndpoint start(int port) {
        return start(InetAddress.getLoopbackAddress(), port);
    }

    /** Serves on {@code port} of {@code address} (0: any free port). */
    static MetricsEndpoint start(InetAddress address, int port) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(address, port), 0);
        } catch (IOException e) {
            registry.close();
            throw new AsrException("could not serve /metrics on " + address.getHostAddress() + ":" + port + " ("
                    + e.getMessage()
                    + "); --metrics-port chooses another port", e);
        }
        server.createContext("/metrics", exchange -> scrape(registry, exchange));
        server.start();
        return new MetricsEndpoint(registry, server);
    }

    private static void scrape(PrometheusMeterRegistry registry, HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    MeterRegistry registry() {
        return registry;
    }

    URI uri() {
        InetAddress address = server.getAddress().getAddress();
        String host = address.isAnyLocalAddress() ? "127.0.0.1" : address.getHostAddress();
        return URI.create("http://" + host + ":" + server.getAddress().getPort() + "/metrics");
    }

    @Override
    public void close() {
        server.stop(0);
        registry.close();
    }
}
