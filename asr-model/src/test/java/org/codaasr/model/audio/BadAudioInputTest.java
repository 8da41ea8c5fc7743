package org.codaasr.model.audio;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.codaasr.model.AsrException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadAudioInputTest {

    @TempDir
    Path dir;

    @Test
    void emptyFile() throws IOException {
        Path file = Files.write(dir.resolve("empty.wav"), new byte[0]);

        assertFailsNaming(file, "empty (0 bytes)");
    }

    @Test
    void textFileRenamedWav() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.wav"), "hello, this is not audio\n");

        String message = assertFailsNaming(file, "not a WAV/FLAC/MP3 file");
        assertTrue(message.contains("expected RIFF/fLaC/ID3 or MPEG frame sync"), message);
    }

    @Test
    void wavWithZeroDataSamples() throws IOException {
        Path file = Files.write(dir.resolve("silent-header.wav"), WavBytes.riff(
                WavBytes.chunk("fmt ", WavBytes.fmt(WavBytes.PCM, 1, 16000, 16)), WavBytes.chunk("data", new byte[0])));

        assertFailsNaming(file, "0 audio samples");
    }

    @Test
    void unsupportedALawFormatTag() throws IOException {
        Path file = Files.write(dir.resolve("alaw.wav"), WavBytes.riff(
                WavBytes.chunk("fmt ", WavBytes.fmt(0x0006, 1, 8000, 8)), WavBytes.chunk("data", new byte[800])));

        String message = assertFailsNaming(file, "unsupported WAV encoding");
        assertTrue(message.contains("0x0006 (A-law)"), message);
    }

    @Test
    void unsupportedAdpcmInsideExtensible() throws IOException {
        Path file = Files.write(dir.resolve("adpcm-ext.wav"), WavBytes.riff(
                WavBytes.chunk("fmt ", WavBytes.fmtExtensible(0x0011, 1, 8000, 8, 4)),
                WavBytes.chunk("data", new byte[800])));

        String message = assertFailsNaming(file, "unsupported WAV encoding");
        assertTrue(message.contains("IMA ADPCM"), message);
    }

    @Test
    void wavDataChunkCutShort() throws IOException {
        byte[] half = new byte[1000]; // 500 of the 1000 declared 16-bit frames
        Path file = Files.write(dir.resolve("cut.wav"), WavBytes.riff(
                WavBytes.chunk("fmt ", WavBytes.fmt(WavBytes.PCM, 1, 16000, 16)),
                WavBytes.chunkDeclaring("data", 2000, half)));

        String message = assertFailsNaming(file, "truncated WAV");
        assertTrue(message.contains("2000 bytes") && message.contains("1000 bytes are present"), message);
    }

    @Test
    void nonFiniteFloatSample() throws IOException {
        float[] samples = Signals.sine(440, 0.5, 16000, 100);
        samples[37] = Float.NaN;
        Path file = Files.write(dir.resolve("nan.wav"), WavBytes.ieeeFloat(32, 1, 16000, samples));

        String message = assertFailsNaming(file, "non-finite sample (NaN)");
        assertTrue(message.contains("frame 37"), message);
    }

    @Test
    void flacCutInHalf() throws IOException {
        byte[] whole = Files.readAllBytes(RealAudioFilesTest.DEV_FLAC);
        Path file = Files.write(dir.resolve("half.flac"), Arrays.copyOf(whole, whole.length / 2));

        String message = assertFailsNaming(file, "truncated FLAC");
        assertTrue(message.contains("of the 240000 samples declared in STREAMINFO"), message);
    }

    @Test
    void flacWithDamagedFrameData() throws IOException {
        byte[] bytes = Files.readAllBytes(RealAudioFilesTest.DEV_FLAC);
        bytes[bytes.length / 2] ^= 0x01; // one flipped bit: the frame CRC no longer matches
        Path file = Files.write(dir.resolve("damaged.flac"), bytes);

        assertFailsNaming(file, "corrupt FLAC");
    }

    @Test
    void flacCutInsideItsHeader() throws IOException {
        Path file = Files.write(dir.resolve("stub.flac"), "fLaC\0\0".getBytes(StandardCharsets.US_ASCII));

        assertFailsNaming(file, "FLAC");
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("does-not-exist.wav");

        assertFailsNaming(file, "cannot read audio file");
    }

    /** Asserts the typed exception and that its message names the file and the problem. */
    private static String assertFailsNaming(Path file, String problem) {
        AudioDecodingException e = assertThrows(AudioDecodingException.class, () -> AudioDecoder.load(file, 16000));
        String message = e.getMessage();
        assertTrue(e instanceof AsrException);
        assertTrue(message.contains(file.toString()), "names the file: " + message);
        assertTrue(message.contains(problem), "names the problem '" + problem + "': " + message);
        return message;
    }
}
