package org.codaasr.model.features;

import org.jflac.FLACDecoder;
import org.codaasr.model.corpus.DataSets;
import org.jflac.PCMProcessor;
import org.jflac.metadata.StreamInfo;
import org.jflac.util.ByteData;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Test-only FLAC reader (the library's audio decoder lives in another package and is built in parallel):
 * 16-bit mono FLAC to floats sample / 32768, the same normalization as torchaudio.load.
 */
final class FlacTestAudio {

    static final Path TEST_OTHER = DataSets.demoSet();

    private FlacTestAudio() {
    }

    static Path utterance(String utt) {
        String[] parts = utt.split("-");
        return TEST_OTHER.resolve(parts[0]).resolve(parts[1]).resolve(utt + ".flac");
    }

    static float[] readMono16(Path flac) throws IOException {
        Collector collector = new Collector();
        try (InputStream in = Files.newInputStream(flac)) {
            FLACDecoder decoder = new FLACDecoder(in);
            decoder.addPCMProcessor(collector);
            decoder.decode();
        }
        if (collector.channels != 1 || collector.bits != 16) {
            throw new IOException("Expected 16-bit mono FLAC in " + flac + ", got " + collector.channels
                    + " channels of " + collector.bits + " bits");
        }
        return Arrays.copyOf(collector.samples, collector.count);
    }

    private static final class Collector implements PCMProcessor {
        int channels;
        int bits;
        float[] samples = new float[1 << 16];
        int count;

        @Override
        public void processStreamInfo(StreamInfo info) {
            channels = info.getChannels();
            bits = info.getBitsPerSample();
        }

        @Override
        public void processPCM(ByteData pcm) {
            byte[] data = pcm.getData();
            int n = pcm.getLen() / 2;
            if (count + n > samples.length) {
                samples = Arrays.copyOf(samples, Math.max(count + n, 2 * samples.length));
            }
            for (int i = 0; i < n; i++) {
                int lo = data[2 * i] & 0xff;
                int hi = data[2 * i + 1];
                samples[count++] = (short) ((hi << 8) | lo) / 32768f;
            }
        }
    }
}
