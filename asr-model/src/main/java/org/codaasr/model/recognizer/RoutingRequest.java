package org.codaasr.model.recognizer;

import java.util.Locale;
import org.codaasr.model.onnx.CodaVariant;

/**
 * What a stream's sender asks of CoDA routing: one variant for the whole stream ({@link #pinned(CodaVariant)}), or
 * to follow the load ({@link #ADAPTIVE}: the recognizer's adaptive routing, the default variant when it has none).
 * Travels as the text of {@link #text()}, e.g. in a Kafka record header or a WebSocket query parameter.
 *
 * @param variant the pinned variant; null for adaptive
 */
public record RoutingRequest(CodaVariant variant) {

    /** Follow the load: what a stream without a request does. */
    public static final RoutingRequest ADAPTIVE = new RoutingRequest(null);

    public static RoutingRequest pinned(CodaVariant variant) {
        if (variant == null) {
            throw new IllegalArgumentException("expected a CoDA variant to pin, got none");
        }
        return new RoutingRequest(variant);
    }

    /**
     * Parses {@code adaptive} or a variant as {@link CodaVariant#parse} reads it ({@code dense}, {@code 0},
     * {@code 2}, {@code r4} ...).
     *
     * @throws IllegalArgumentException naming what was expected
     */
    public static RoutingRequest parse(String text) {
        if (text != null && "adaptive".equals(text.trim().toLowerCase(Locale.ROOT))) {
            return ADAPTIVE;
        }
        try {
            return pinned(CodaVariant.parse(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CoDA routing request must be 'adaptive' or a variant: "
                    + e.getMessage(), e);
        }
    }

    public boolean isAdaptive() {
        return variant == null;
    }

    /** The form {@link #parse} reads back. */
    public String text() {
        return variant == null ? "adaptive" : Integer.toString(variant.reductionFactor());
    }
}
