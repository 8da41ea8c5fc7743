package org.codaasr.messages;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * UTF-8 JSON serde for one record type, backed by Jackson (records are supported natively).
 * Unknown properties are ignored so that readers keep working when a writer adds a field;
 * NaN/Infinity round-trip (a WER over zero reference words is not a finite number).
 *
 * @param <T> the record type
 */
public final class JsonSerde<T> implements Serde<T> {

    /** The one mapper all JSON messages share; thread-safe once configured. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private final Class<T> type;

    public JsonSerde(Class<T> type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                return MAPPER.writeValueAsBytes(value);
            } catch (IOException e) {
                throw new SerializationException("cannot write " + type.getSimpleName() + " as JSON for topic " + topic, e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return MAPPER.readValue(bytes, type);
            } catch (IOException | RuntimeException e) {
                // RuntimeException: a record's compact constructor rejecting a field surfaces here too
                throw new SerializationException("expected a JSON " + type.getSimpleName() + " on topic " + topic
                        + ", got " + bytes.length + " bytes that do not parse", e);
            }
        };
    }
}
