package org.codaasr.app.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SRT and VTT files open in a standard parser: ffmpeg's subtitle demuxers read them and write them back as SRT
 * with the same cues and times. Skipped, saying so, where ffmpeg is not installed ({@code .ci/run} installs it);
 * {@link TranscriptFormatTest} checks the exact text either way.
 */
class SubtitleParserTest {

    static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");

    @Test
    void ffmpegReadsOurSrtAndVttWithTheSameCues(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(FFMPEG), "ffmpeg not installed: subtitle parser check skipped");
        String expected = "1\n00:00:00,100 --> 00:00:01,000\nHELLO WORLD\n\n2\n01:01:01,250 --> 01:01:01,700\nAGAIN\n";
        for (TranscriptFormat format : new TranscriptFormat[] {TranscriptFormat.SRT, TranscriptFormat.VTT}) {
            Path in = dir.resolve("talk." + (format == TranscriptFormat.SRT ? "srt" : "vtt"));
            Files.writeString(in, format.format(TranscriptFormatTest.T), StandardCharsets.UTF_8);
            Path out = dir.resolve("back-" + in.getFileName() + ".srt");
            Process p = new ProcessBuilder(FFMPEG.toString(), "-v", "error", "-y", "-i", in.toString(), out.toString())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ffmpeg did not finish");
            assertEquals(0, p.exitValue(), in.getFileName() + ": " + log);
            assertEquals(expected, normalized(out), in.getFileName().toString());
        }
    }

    private static String normalized(Path srt) throws IOException {
        return Files.readString(srt, StandardCharsets.UTF_8).replace("\r\n", "\n").strip() + "\n";
    }
}
