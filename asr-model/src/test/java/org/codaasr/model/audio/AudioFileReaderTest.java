package org.codaasr.model.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.codaasr.model.corpus.DataSets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files read block by block give exactly what decoding them whole gives, with the same errors. */
class AudioFileReaderTest {

    static final Path DEV_FLAC = DataSets.demoUtterance("1688-142285-0000");

    @TempDir
    Path dir;

    private static List<float[]> blocks(Path file) {
        List<float[]> out = new ArrayList<>();
        try (AudioFileReader reader = AudioFileReader.open(file)) {
            for (float[] b = reader.read(); b != null; b = reader.read()) {
                out.add(b);
            }
            assertNull(reader.read(), "the end stays the end");
        }
        return out;
    }

    private static float[] concat(List<float[]> blocks) {
        float[] all = new float[blocks.stream().mapToInt(b -> b.length).sum()];
        int at = 0;
        for (float[] b : blocks) {
            System.arraycopy(b, 0, all, at, b.length);
            at += b.length;
        }
        return all;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tone440-0.5s-22050-mono.mp3", "tone440l-1000r-24bit-stereo.flac"})
    void blocksOfAShippedFileAreTheWholeDecoding(String name) throws IOException {
        Path file = Path.of("asr-model/src/test/resources/audio").resolve(name);
        AudioData whole = AudioDecoder.decode(Files.readAllBytes(file), name);
        List<float[]> blocks = blocks(file);
        assertTrue(blocks.size() > 1 || whole.samples().length < 20_000, "read in more than one block");
        assertArrayEquals(whole.samples(), concat(blocks));
        try (AudioFileReader reader = AudioFileReader.open(file)) {
            assertEquals(whole.sampleRate(), reader.sampleRate());
        }
    }

    @Test
    void aLongWavIsReadInBlocksOfAboutASecond() throws IOException {
        float[] left = Signals.sine(440, 0.5, 44100, 44100 * 5);
        float[] right = Signals.sine(880, 0.25, 44100, 44100 * 5);
        Path file = Files.write(dir.resolve("long.wav"), WavBytes.pcm(24, 2, 44100, Signals.interleave(left, right)));
        List<float[]> blocks = blocks(file);
        assertEquals(14, blocks.size(), "220500 frames in blocks of 16384");
        assertEquals(16384, blocks.get(0).length, "mono frames");
        assertArrayEquals(AudioDecoder.decode(Files.readAllBytes(file), "long.wav").samples(), concat(blocks));
    }

    @Test
    void aDevFlacReadInFramesIsItsWholeDecoding() throws IOException {
        List<float[]> blocks = blocks(DEV_FLAC);
        assertTrue(blocks.size() > 10, blocks.size() + " blocks");
        assertArrayEquals(AudioDecoder.decode(Files.readAllBytes(DEV_FLAC), "dev").samples(), concat(blocks));
    }

    @Test
    void aTruncatedFlacFailsOnItsLastReadNamingTheFile() throws IOException {
        byte[] flac = Files.readAllBytes(DEV_FLAC);
        Path cut = Files.write(dir.resolve("cut.flac"), java.util.Arrays.copyOf(flac, flac.length / 2));
        AudioDecodingException e = assertThrows(AudioDecodingException.class, () -> blocks(cut));
        assertTrue(e.getMessage().startsWith(cut + ": truncated FLAC: decoded "), e.getMessage());
    }

    @Test
    void headerErrorsComeAtOpenNamingTheFile() throws IOException {
        Path empty = Files.write(dir.resolve("empty.wav"), new byte[0]);
        AudioDecodingException e = assertThrows(AudioDecodingException.class, () -> AudioFileReader.open(empty));
        assertTrue(e.getMessage().contains(empty + ": audio file is empty (0 bytes)"), e.getMessage());
        byte[] wav = WavBytes.pcm(16, 1, 16000, new float[16000]);
        ByteBuffer.wrap(wav).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(40, 1 << 30); // data size: 1 GB
        Path forged = Files.write(dir.resolve("forged.wav"), wav);
        e = assertThrows(AudioDecodingException.class, () -> AudioFileReader.open(forged));
        assertTrue(e.getMessage().contains("truncated WAV: the data chunk declares 1073741824 bytes"), e.getMessage());
    }
}
