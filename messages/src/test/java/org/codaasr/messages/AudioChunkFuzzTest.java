package org.codaasr.messages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.ByteBuffer;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Hostile bytes on {@code asr.audio}: whatever arrives, the serde either returns a chunk or throws
 * {@link SerializationException} (what the recognition processor dead-letters), and the validator judges every chunk
 * it returns without throwing. Random bytes, truncations, flipped bytes and forged length fields are tried.
 */
class AudioChunkFuzzTest {

    /**
     * The default run is reproducible (a fixed seed, so the suite never fails by chance); change or drop the seed to
     * search further.
     */
    static final String FUZZ_SEED = "20261203";

    private static final AudioChunkValidator VALIDATOR = AudioChunkValidator.defaults();

    /** The contract under fuzzing: a chunk, or a SerializationException; anything else fails the property. */
    private static Optional<AudioChunk> decodeOrReject(byte[] bytes) {
        try {
            AudioChunk chunk = AudioChunkSerde.decode(bytes);
            assertNotNull(chunk, "non-null bytes never decode to null");
            VALIDATOR.validate(chunk);
            return Optional.of(chunk);
        } catch (SerializationException expected) {
            return Optional.empty();
        }
    }

    @Property(tries = 2000, seed = FUZZ_SEED)
    void randomBytesAreAChunkOrASerializationException(@ForAll @Size(max = 200) byte[] bytes) {
        decodeOrReject(bytes);
    }

    @Property(tries = 2000, seed = FUZZ_SEED)
    void mutatedChunksAreAChunkOrASerializationException(@ForAll("mutated") byte[] bytes) {
        decodeOrReject(bytes).ifPresent(chunk -> {
            byte[] again = AudioChunkSerde.encode(chunk);
            assertArrayEquals(again, AudioChunkSerde.encode(AudioChunkSerde.decode(again)),
                    "whatever decodes re-encodes stably");
        });
    }

    @Property(tries = 300, seed = FUZZ_SEED)
    void forgedLengthsNeverAllocateWhatTheyClaim(@ForAll("valid") byte[] valid, @ForAll("hugeLength") int length) {
        // the payload length is the last int before the payload; claim up to 2 GB of it
        byte[] forged = valid.clone();
        int payloadLengthAt = forged.length - 3200 - 4;
        ByteBuffer.wrap(forged).putInt(payloadLengthAt, length);
        assertEquals(Optional.empty(), decodeOrReject(forged));
    }

    @Provide
    Arbitrary<byte[]> valid() {
        return Arbitraries.longs().between(0, 1_000_000).map(seq -> AudioChunkSerde.encode(
                new AudioChunk("s-" + seq, seq, 16000, AudioEncoding.PCM_S16LE, new byte[3200], seq % 7 == 0,
                        seq % 2 == 0 ? "utt" : null, 1_700_000_000_000L + seq)));
    }

    @Provide
    Arbitrary<Integer> hugeLength() {
        return Arbitraries.oneOf(Arbitraries.integers().between(3201, Integer.MAX_VALUE),
                Arbitraries.integers().between(Integer.MIN_VALUE, -1));
    }

    @Provide
    Arbitrary<byte[]> mutated() {
        Arbitrary<byte[]> base = valid();
        Arbitrary<Integer> position = Arbitraries.integers().between(0, 3300);
        Arbitrary<Byte> value = Arbitraries.bytes();
        Arbitrary<Integer> kind = Arbitraries.integers().between(0, 2);
        return Combinators.combine(base, position, value, kind).as((bytes, pos, b, k) -> {
            int at = Math.min(pos, bytes.length - 1);
            switch (k) {
                case 0: { // flip one byte
                    byte[] copy = bytes.clone();
                    copy[at] = b;
                    return copy;
                }
                case 1: { // truncate
                    byte[] copy = new byte[at];
                    System.arraycopy(bytes, 0, copy, 0, at);
                    return copy;
                }
                default: { // corrupt a header field: the first 40 bytes hold every length and number
                    byte[] copy = bytes.clone();
                    copy[at % 40] = b;
                    return copy;
                }
            }
        });
    }
}
