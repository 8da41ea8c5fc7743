package org.codaasr.streams.web;

import java.util.List;
import org.codaasr.model.recognizer.RoutingRequest;

/**
 * {@link LiveViewConfig} as the page reads it from {@code GET /api/config}: plain values and labels.
 *
 * @param audio          where and how the page sends audio; null when it cannot
 * @param maxUploadBytes largest file the page uploads
 */
record PageConfig(Audio audio, long maxUploadBytes) {

    /** The audio WebSocket; the page sends 16-bit little-endian PCM at {@code sampleRate}. */
    record Audio(int port, boolean tokenRequired, int maxMessageBytes, double maxStreamSeconds, int sampleRate,
                 List<Choice> routing, String defaultRouting) {}

    /** One CoDA routing choice: the {@code ?coda=} value and what the page shows. */
    record Choice(String value, String label) {}

    static PageConfig of(LiveViewConfig config) {
        LiveViewConfig.AudioEndpoint a = config.audio();
        if (a == null) {
            return new PageConfig(null, config.maxUploadBytes());
        }
        List<Choice> choices = a.routing().stream().map(PageConfig::choice).toList();
        return new PageConfig(new Audio(a.port(), a.tokenRequired(), a.maxMessageBytes(), a.maxStreamSeconds(),
                16_000, choices, a.defaultRouting().text()), config.maxUploadBytes());
    }

    private static Choice choice(RoutingRequest r) {
        return new Choice(r.text(), r.isAdaptive() ? "adaptive (follows the load)" : r.variant().label());
    }
}
