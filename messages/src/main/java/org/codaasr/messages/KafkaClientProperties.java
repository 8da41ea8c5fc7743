package org.codaasr.messages;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Settings every Kafka client the application creates gets on top of its own: the TLS and SASL properties of a
 * secured cluster, read from a properties file as Kafka's own tools take them ({@code --command-config}). The
 * bootstrap servers are given apart and may not be set here. {@link #toString} hides the values of secrets.
 */
public record KafkaClientProperties(Map<String, String> values) {

    /** No extra settings: a plaintext cluster without authentication. */
    public static final KafkaClientProperties NONE = new KafkaClientProperties(Map.of());

    private static final String[] SECRET_MARKERS = {"password", "secret", "jaas", "token", "key"};

    public KafkaClientProperties {
        values = Map.copyOf(values);
        if (values.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("bootstrap.servers is given with --bootstrap-servers, not in the "
                    + "client properties");
        }
    }

    /** Reads a {@code key=value} properties file; a missing or unreadable file is an error naming it. */
    public static KafkaClientProperties load(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the Kafka client properties file " + file
                    + " (expected key=value lines, e.g. security.protocol=SASL_SSL): " + e.getMessage(), e);
        }
        Map<String, String> values = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> values.put(k, p.getProperty(k).trim()));
        try {
            return new KafkaClientProperties(values);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Puts these settings into a client's configuration, over what is there. */
    public <M extends Map<? super String, Object>> M applyTo(M config) {
        config.putAll(values);
        return config;
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    @Override
    public String toString() {
        return values.entrySet().stream()
                .map(e -> e.getKey() + "=" + (isSecret(e.getKey()) ? "[hidden]" : e.getValue()))
                .sorted()
                .collect(Collectors.joining(", ", "{", "}"));
    }

    private static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (String marker : SECRET_MARKERS) {
            if (k.contains(marker)) {
                return true;
            }
        }
        return false;
    }
}
