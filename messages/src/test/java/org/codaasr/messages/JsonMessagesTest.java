package org.codaasr.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class JsonMessagesTest {

    private static <T> T roundTrip(Serde<T> serde, T value) {
        byte[] bytes = serde.serializer().serialize("t", value);
        return serde.deserializer().deserialize("t", bytes);
    }

    private static JsonNode json(byte[] bytes) throws Exception {
        return JsonSerde.MAPPER.readTree(bytes);
    }

    @Test
    void referenceRoundTrips() {
        Reference reference = new Reference("1688-142285-0000", "1688-142285-0000", "THERE'S IRON THEY SAY", "1688",
                "librispeech-2026-12-03");
        assertEquals(reference, roundTrip(AsrSerdes.reference(), reference));
        Reference noSpeaker = new Reference("u", "s", "", null, null);
        assertEquals(noSpeaker, roundTrip(AsrSerdes.reference(), noSpeaker));
    }

    @Test
    void transcriptRoundTripsWithWordsAndKeepsIsFinalName() throws Exception {
        Transcript transcript = new Transcript("s1", "u1", 2, true, "hello world",
                List.of(new Transcript.Word("hello", 0.12, 0.5, 0.9), new Transcript.Word("world", 0.6, 1.04, 0.75)),
                "conformer-ctc-small/model.coda-r4.onnx", 4, 0.0, 1.2, 183, 1_700_000_000_000L, false);
        assertEquals(transcript, roundTrip(AsrSerdes.transcript(), transcript));
        JsonNode node = json(AsrSerdes.transcript().serializer().serialize("t", transcript));
        assertTrue(node.get("isFinal").asBoolean(), node.toString());
        assertEquals("FINAL", node.get("kind").asText(), node.toString());
        assertEquals("world", node.get("words").get(1).get("word").asText());
    }

    @Test
    void theStreamCompleteRecordIsNotAlsoAFinal() throws Exception {
        Transcript complete = new Transcript("s1", "u1", 3, false, "hello world", List.of(), "m", 0, 0.0, 9.5, 10,
                1L, true);
        JsonNode node = json(AsrSerdes.transcript().serializer().serialize("t", complete));
        assertEquals("STREAM_COMPLETE", node.get("kind").asText(), node.toString());
        assertFalse(node.get("isFinal").asBoolean(), node.toString());
        assertEquals(complete, roundTrip(AsrSerdes.transcript(), complete));
        // records written before the kind existed flagged both; they read back as the stream's end only
        byte[] legacy = ("{\"streamId\":\"s1\",\"segment\":3,\"isFinal\":true,\"text\":\"x\","
                + "\"streamComplete\":true}").getBytes(StandardCharsets.UTF_8);
        Transcript back = AsrSerdes.transcript().deserializer().deserialize("t", legacy);
        assertEquals(Transcript.Kind.STREAM_COMPLETE, back.kind());
        assertFalse(back.isFinal());
        assertEquals(Transcript.Kind.PARTIAL, new Transcript("s", null, 0, false, "", null, "m", 0, 0, 0, 0, 0, false)
                .kind());
    }

    @Test
    void theReopenedCountRoundTripsAndIsZeroInRecordsWrittenBeforeIt() throws Exception {
        Transcript reopened = new Transcript("s1", "u1", 4, false, "hello again", List.of(), "m", 0, 0.0, 12.5, 10,
                1L, true, 2);
        assertEquals(reopened, roundTrip(AsrSerdes.transcript(), reopened));
        assertEquals(2, json(AsrSerdes.transcript().serializer().serialize("t", reopened)).get("reopened").asInt());
        byte[] before = ("{\"streamId\":\"s1\",\"segment\":3,\"isFinal\":false,\"text\":\"x\","
                + "\"streamComplete\":true}").getBytes(StandardCharsets.UTF_8);
        assertEquals(0, AsrSerdes.transcript().deserializer().deserialize("t", before).reopened());
        assertEquals(0, new Transcript("s", null, 0, false, "", null, "m", 0, 0, 0, 0, 0, false).reopened());
        byte[] negative = ("{\"streamId\":\"s1\",\"text\":\"x\",\"reopened\":-1}")
                .getBytes(StandardCharsets.UTF_8);
        assertThrows(SerializationException.class,
                () -> AsrSerdes.transcript().deserializer().deserialize("t", negative));
    }

    @Test
    void theAbortMarkerRoundTripsOnStreamCompleteRecordsOnly() throws Exception {
        Transcript aborted = new Transcript("vosk-1", null, 1, false, "hello", List.of(), "m", 0, 0.0, 2.5, 10, 1L,
                true, true);
        assertEquals(aborted, roundTrip(AsrSerdes.transcript(), aborted));
        assertTrue(json(AsrSerdes.transcript().serializer().serialize("t", aborted)).get("aborted").asBoolean());
        Transcript completed = new Transcript("s1", null, 1, false, "hello", List.of(), "m", 0, 0.0, 2.5, 10, 1L, true);
        assertFalse(roundTrip(AsrSerdes.transcript(), completed).aborted());
        // written before the field existed: not aborted
        byte[] legacy = "{\"streamId\":\"s1\",\"segment\":1,\"text\":\"x\",\"streamComplete\":true}"
                .getBytes(StandardCharsets.UTF_8);
        assertFalse(AsrSerdes.transcript().deserializer().deserialize("t", legacy).aborted());
        // only a stream's end can be aborted
        assertFalse(new Transcript("s", null, 0, true, "x", null, "m", 0, 0, 0, 0, 0, false, true).aborted());
    }

    @Test
    void transcriptWithoutWordsGetsEmptyList() {
        Transcript transcript = new Transcript("s1", null, 0, false, "", null, "m", 0, 0, 0.1, 1, 2, false);
        Transcript back = roundTrip(AsrSerdes.transcript(), transcript);
        assertEquals(List.of(), back.words());
        assertEquals(transcript, back);
    }

    @Test
    void werMessagesRoundTripIncludingNaN() {
        WerRecord record = new WerRecord("run-1", "u1", "1688", 10, 1, 2, 0, 0.3, "a b c", "a c");
        assertEquals(record, roundTrip(AsrSerdes.werRecord(), record));
        assertEquals(3, record.errors());
        WerAggregate aggregate = new WerAggregate("run-1", WerAggregate.speakerScope("1688"), 3, 40, 5, 0.125);
        assertEquals(aggregate, roundTrip(AsrSerdes.werAggregate(), aggregate));
        WerAggregate empty = new WerAggregate("run-1", WerAggregate.RUN_SCOPE, 0, 0, 0, Double.NaN);
        assertTrue(Double.isNaN(roundTrip(AsrSerdes.werAggregate(), empty).wer()));
    }

    @Test
    void deadLetterRoundTripsWithBase64Value() throws Exception {
        byte[] original = {0, 1, 2, (byte) 0xFF};
        DeadLetter letter = new DeadLetter(Topics.AUDIO, 3, 1234, "s1", "sequence must be >= 0, got -1",
                "validation", original, 99);
        assertEquals(letter, roundTrip(AsrSerdes.deadLetter(), letter));
        JsonNode node = json(AsrSerdes.deadLetter().serializer().serialize("t", letter));
        assertEquals(Base64.getEncoder().encodeToString(original), node.get("originalValue").asText());
        DeadLetter noValue = new DeadLetter(Topics.AUDIO, 0, 0, null, "tombstone", "validation", null, 1);
        assertEquals(noValue, roundTrip(AsrSerdes.deadLetter(), noValue));
    }

    @Test
    void unknownFieldsAreIgnoredForForwardCompatibility() {
        byte[] bytes = "{\"utteranceId\":\"u\",\"streamId\":\"s\",\"text\":\"T\",\"speaker\":null,\"newField\":1}"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(new Reference("u", "s", "T", null, Reference.DEFAULT_RUN),
                AsrSerdes.reference().deserializer().deserialize("t", bytes), "a reference without runId is in run default");
    }

    @Test
    void nullInNullOutAndGarbageFails() {
        assertNull(AsrSerdes.transcript().serializer().serialize("t", null));
        assertNull(AsrSerdes.transcript().deserializer().deserialize("t", null));
        SerializationException notJson = assertThrows(SerializationException.class,
                () -> AsrSerdes.reference().deserializer().deserialize("t", new byte[] {(byte) 0xA5, (byte) 0xC0, 1}));
        assertNotNull(notJson.getCause());
        SerializationException missingField = assertThrows(SerializationException.class,
                () -> AsrSerdes.reference().deserializer().deserialize("t", "{\"streamId\":\"s\"}".getBytes()));
        assertInstanceOf(Exception.class, missingField.getCause());
    }
}
