package org.codaasr.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.codaasr.model.AsrException;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.corpus.LibriSpeechSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcesTest {

    static final Path TEST_OTHER = DataSets.demoSet();

    @Test
    void librispeechTreeGivesEveryUtteranceWithSpeakerAndText() {
        List<AudioItem> items = LibriSpeechSource.items(TEST_OTHER);
        assertEquals(10, items.size(), "the demo set: 2 utterances of each of the 5 speakers");
        Set<String> speakers = items.stream().map(AudioItem::speaker).collect(Collectors.toSet());
        assertEquals(Set.of("1688", "1998", "3005", "3080", "367"), speakers);
        AudioItem first = items.stream().filter(i -> i.utteranceId().equals("1688-142285-0000")).findFirst().orElseThrow();
        assertTrue(first.referenceText().startsWith("THERE'S IRON THEY SAY"), first.referenceText());
        assertTrue(Files.isRegularFile(first.audio()));
        assertTrue(first.audio().toString().endsWith("1688-142285-0000.flac"));
    }

    @Test
    void librispeechRejectsMissingOrEmptyTree(@TempDir Path dir) {
        assertThrows(AsrException.class, () -> LibriSpeechSource.items(dir.resolve("nope")));
        assertThrows(AsrException.class, () -> LibriSpeechSource.items(dir));
    }

    @Test
    void fileSourceWalksDirectoriesAndPicksUpSidecarTranscripts(@TempDir Path dir) throws Exception {
        Path sub = Files.createDirectories(dir.resolve("sub"));
        WavFixtures.writeSine(dir.resolve("b.wav"), 0.1, 16000, 440);
        WavFixtures.writeSine(sub.resolve("a.WAV"), 0.1, 16000, 440);
        Files.writeString(dir.resolve("b.txt"), "HELLO WORLD\n");
        Files.writeString(dir.resolve("notes.md"), "not audio");
        List<AudioItem> items = FileSource.items(List.of(dir));
        assertEquals(List.of("b", "a"), items.stream().map(AudioItem::utteranceId).toList());
        assertEquals("HELLO WORLD", items.get(0).referenceText());
        assertNull(items.get(1).referenceText());
        assertEquals(1, FileSource.items(List.of(dir.resolve("b.wav"))).size());
        assertThrows(AsrException.class, () -> FileSource.items(List.of(dir.resolve("missing.wav"))));
    }

    @Test
    void decoderLoaderReadsWavExactlyAndDecodesFlac(@TempDir Path dir) throws Exception {
        float[] written = WavFixtures.writeSine(dir.resolve("tone.wav"), 0.25, 16000, 300);
        float[] read = AudioLoader.decoder().load16k(dir.resolve("tone.wav"));
        assertArrayEquals(written, read, 1.0f / 32768 + 1e-6f);

        Path flac = TEST_OTHER.resolve("1688/142285/1688-142285-0000.flac");
        float[] samples = AudioLoader.decoder().load16k(flac);
        // 16 kHz speech of a few seconds, not silence, within [-1, 1)
        assertTrue(samples.length > 16000 * 2 && samples.length < 16000 * 40, "samples: " + samples.length);
        double energy = 0;
        for (float s : samples) {
            assertTrue(s >= -1f && s < 1f);
            energy += s * s;
        }
        assertTrue(energy / samples.length > 1e-5, "rms too low: " + energy / samples.length);
    }

    @Test
    void decoderLoaderResamplesOtherRatesAndRejectsNonAudio(@TempDir Path dir) throws Exception {
        WavFixtures.writeSine(dir.resolve("8k.wav"), 0.1, 8000, 300);
        float[] upsampled = AudioLoader.decoder().load16k(dir.resolve("8k.wav"));
        assertEquals(1600, upsampled.length, 1);
        Files.writeString(dir.resolve("text.wav"), "not a wav");
        AsrException junk = assertThrows(AsrException.class, () -> AudioLoader.decoder().load16k(dir.resolve("text.wav")));
        assertTrue(junk.getMessage().contains("text.wav"), junk.getMessage());
    }
}
