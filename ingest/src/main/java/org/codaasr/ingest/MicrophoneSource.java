package org.codaasr.ingest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.Collectors;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.TargetDataLine;

/** Live capture from the default microphone as 16 kHz mono 16-bit little-endian PCM. */
public final class MicrophoneSource implements AutoCloseable {

    /** The capture format: 16 kHz, 16-bit signed, mono, little-endian. */
    public static final AudioFormat FORMAT = new AudioFormat(AudioLoader.SAMPLE_RATE, 16, 1, true, false);

    private final TargetDataLine line;

    private MicrophoneSource(TargetDataLine line) {
        this.line = line;
    }

    /**
     * Opens and starts the default capture line; throws {@link AudioDeviceUnavailableException} naming
     * the mixers found when no device supports {@link #FORMAT}.
     */
    public static MicrophoneSource open() {
        DataLine.Info info = new DataLine.Info(TargetDataLine.class, FORMAT);
        if (!AudioSystem.isLineSupported(info)) {
            throw new AudioDeviceUnavailableException("no audio capture device supports " + FORMAT
                    + " (mixers found: " + mixerNames() + "); use files or --librispeech instead of --mic");
        }
        try {
            TargetDataLine line = (TargetDataLine) AudioSystem.getLine(info);
            line.open(FORMAT);
            line.start();
            return new MicrophoneSource(line);
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
            throw new AudioDeviceUnavailableException("could not open the microphone for " + FORMAT, e);
        }
    }

    /** Blocks until {@code samples.length} samples are captured, fills them in [-1, 1), returns the count read. */
    public int read(float[] samples) {
        byte[] bytes = new byte[samples.length * 2];
        int filled = 0;
        while (filled < bytes.length) {
            int n = line.read(bytes, filled, bytes.length - filled);
            if (n <= 0) {
                break; // line closed or stopped
            }
            filled += n;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, filled).order(ByteOrder.LITTLE_ENDIAN);
        int count = filled / 2;
        for (int i = 0; i < count; i++) {
            samples[i] = buffer.getShort() / 32768f;
        }
        return count;
    }

    @Override
    public void close() {
        line.stop();
        line.close();
    }

    private static String mixerNames() {
        String names = Arrays.stream(AudioSystem.getMixerInfo()).map(m -> m.getName())
                .collect(Collectors.joining(", "));
        return names.isEmpty() ? "none" : names;
    }
}
