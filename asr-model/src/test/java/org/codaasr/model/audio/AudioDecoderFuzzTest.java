package org.codaasr.model.audio;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.codaasr.model.corpus.DataSets;

/**
 * Hostile audio files: the decoders either decode or throw {@link AudioDecodingException}, quickly, and never
 * allocate what a forged header claims (a WAV declaring 4 GB of samples, a FLAC stream info of 2^36 samples).
 */
class AudioDecoderFuzzTest {

    /**
     * The default run is reproducible (a fixed seed, so the suite never fails by chance); change or drop the seed to
     * search further.
     */
    static final String FUZZ_SEED = "20261203";

    private static final Duration LIMIT = Duration.ofSeconds(5);
    private static final Path FLAC = DataSets.demoUtterance("1688-142285-0000");

    /** The contract under fuzzing: decoded audio, or an AudioDecodingException; anything else fails. */
    private static void decodeOrReject(byte[] bytes) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try {
                AudioDecoder.decode(bytes, "fuzz");
            } catch (AudioDecodingException expected) {
                // a clear error is the right answer to bad input
            }
        });
    }

    @Property(tries = 1000, seed = FUZZ_SEED)
    void randomBytesDecodeOrFailCleanly(@ForAll @Size(max = 300) byte[] bytes) {
        decodeOrReject(bytes);
    }

    @Property(tries = 1000, seed = FUZZ_SEED)
    void randomBytesBehindARealMagicDecodeOrFailCleanly(@ForAll("magic") byte[] prefix,
            @ForAll @Size(max = 300) byte[] rest) {
        byte[] bytes = new byte[prefix.length + rest.length];
        System.arraycopy(prefix, 0, bytes, 0, prefix.length);
        System.arraycopy(rest, 0, bytes, prefix.length, rest.length);
        decodeOrReject(bytes);
    }

    @Property(tries = 1000, seed = FUZZ_SEED)
    void mutatedWavHeadersDecodeOrFailCleanly(@ForAll("mutatedWav") byte[] wav) {
        decodeOrReject(wav);
    }

    @Property(tries = 200, seed = FUZZ_SEED)
    void mutatedFlacDecodesOrFailsCleanly(@ForAll("flacMutation") int[] mutation) throws IOException {
        if (!Files.isRegularFile(FLAC)) {
            return; // the dev set is not here; the WAV and random-byte properties still run
        }
        byte[] flac = Files.readAllBytes(FLAC);
        int at = mutation[0] % Math.min(flac.length, 4096); // the stream info and first frames
        flac[at] = (byte) mutation[1];
        decodeOrReject(mutation[2] == 0 ? flac : java.util.Arrays.copyOf(flac, at + 1));
    }

    @Property(tries = 50, seed = FUZZ_SEED)
    void aWavDeclaringGigabytesIsRefusedWithoutAllocatingThem(@ForAll("hugeSize") long declared) {
        byte[] wav = wav(16000, (short) 1, (short) 16, new byte[640]);
        ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).putInt(40, (int) declared); // data chunk size
        ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).putInt(4, (int) declared + 36); // RIFF size
        assertTimeoutPreemptively(LIMIT, () -> {
            try {
                AudioDecoder.decode(wav, "forged");
            } catch (AudioDecodingException expected) {
                // truncated data: a clear error
            }
        });
    }

    @Property(tries = 30, seed = FUZZ_SEED)
    void aFlacDeclaringBillionsOfSamplesIsRefusedFastWithoutAllocatingThem(@ForAll("hugeFlacTotal") long declared)
            throws IOException {
        if (!Files.isRegularFile(FLAC)) {
            return; // the dev set is not here; the WAV property above covers forged sizes
        }
        byte[] flac = Files.readAllBytes(FLAC);
        // STREAMINFO is the first block (data from byte 8); its 36-bit total sample count is the low nibble of
        // byte 21 and bytes 22..25, big-endian
        flac[21] = (byte) ((flac[21] & 0xF0) | (int) (declared >>> 32));
        ByteBuffer.wrap(flac).putInt(22, (int) declared);
        AudioDecodingException e = assertTimeoutPreemptively(LIMIT,
                () -> assertThrows(AudioDecodingException.class, () -> AudioDecoder.decode(flac, "forged.flac")));
        assertTrue(e.getMessage().startsWith("forged.flac: truncated FLAC: decoded ")
                && e.getMessage().contains(" of the " + declared + " samples declared in STREAMINFO"), e.getMessage());
    }

    @Property(tries = 1, seed = FUZZ_SEED)
    void anEmptyFileIsAClearError() {
        assertThrows(AudioDecodingException.class, () -> AudioDecoder.decode(new byte[0], "empty"));
    }

    @Provide
    Arbitrary<byte[]> magic() {
        return Arbitraries.of(new byte[] {'R', 'I', 'F', 'F'}, new byte[] {'f', 'L', 'a', 'C'},
                new byte[] {'I', 'D', '3'}, new byte[] {(byte) 0xFF, (byte) 0xFB});
    }

    @Provide
    Arbitrary<Long> hugeSize() {
        return Arbitraries.longs().between(1L << 20, 0xFFFF_FFFFL);
    }

    @Provide
    Arbitrary<Long> hugeFlacTotal() {
        return Arbitraries.oneOf(Arbitraries.of((1L << 32) - 1, 1L << 32, (1L << 36) - 1),
                Arbitraries.longs().between(1L << 24, (1L << 36) - 1));
    }

    @Provide
    Arbitrary<int[]> flacMutation() {
        return Combinators.combine(Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 1))
                .as((at, value, truncate) -> new int[] {at, value, truncate});
    }

    @Provide
    Arbitrary<byte[]> mutatedWav() {
        Arbitrary<Integer> rate = Arbitraries.oneOf(Arbitraries.of(0, 1, 8000, 16000, 48000, 1_000_000_000),
                Arbitraries.integers());
        Arbitrary<Short> channels = Arbitraries.of((short) 0, (short) 1, (short) 2, (short) 255, (short) -1);
        Arbitrary<Short> bits = Arbitraries.of((short) 0, (short) 7, (short) 8, (short) 16, (short) 24, (short) 32,
                (short) 64);
        Arbitrary<Integer> dataBytes = Arbitraries.integers().between(0, 2000);
        return Combinators.combine(rate, channels, bits, dataBytes).as((r, c, b, n) -> wav(r, c, b, new byte[n]));
    }

    /** A canonical 44-byte-header PCM WAV with the given fields, not checked for consistency. */
    private static byte[] wav(int rate, short channels, short bits, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(44 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {'R', 'I', 'F', 'F'}).putInt(36 + data.length).put(new byte[] {'W', 'A', 'V', 'E'});
        b.put(new byte[] {'f', 'm', 't', ' '}).putInt(16).putShort((short) 1).putShort(channels).putInt(rate);
        b.putInt(rate * Math.max(1, channels) * Math.max(1, bits / 8)).putShort((short) (channels * bits / 8))
                .putShort(bits);
        b.put(new byte[] {'d', 'a', 't', 'a'}).putInt(data.length).put(data);
        return b.array();
    }
}
