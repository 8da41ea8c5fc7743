package org.codaasr.model.features;

import org.codaasr.model.AsrException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Incremental fbank for one audio stream: feed chunks of any size with {@link #acceptWaveform(float[])},
 * collect the frames completed so far with {@link #drainFrames()}. The frames are bit-identical to
 * {@link FbankExtractor#compute(float[])} on the concatenated audio, because each frame is computed by
 * the same code from the same samples.
 *
 * <p>State is only the samples not yet consumed by an emitted frame (after a drain, fewer than one
 * window) plus the frame counter, so it is cheap to {@link #snapshot()} into a state store.
 * Not thread-safe; the shared {@link FbankExtractor} is.
 */
public final class StreamingFbank {

    static final byte SNAPSHOT_VERSION = 1;

    private final FbankExtractor extractor;
    /** Pending samples; buffer[0] is the first sample of the next frame to emit. */
    private float[] buffer;
    private int buffered;
    private int framesEmitted;

    public StreamingFbank(FbankExtractor extractor) {
        this(extractor, new float[0], 0);
    }

    private StreamingFbank(FbankExtractor extractor, float[] pending, int framesEmitted) {
        this.extractor = Objects.requireNonNull(extractor, "extractor");
        this.buffer = Arrays.copyOf(pending, Math.max(pending.length, extractor.windowSize() + extractor.windowShift()));
        this.buffered = pending.length;
        this.framesEmitted = framesEmitted;
    }

    /** Appends float samples in [-1, 1]; frames are computed on the next {@link #drainFrames()}. */
    public void acceptWaveform(float[] samples) {
        Objects.requireNonNull(samples, "samples");
        if (buffered + samples.length > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffered + samples.length, 2 * buffer.length));
        }
        System.arraycopy(samples, 0, buffer, buffered, samples.length);
        buffered += samples.length;
    }

    /** Frames [n][numMelBins] completed since the previous drain (possibly none). */
    public float[][] drainFrames() {
        int frames = extractor.numFrames(buffered);
        float[][] out = new float[frames][];
        int shift = extractor.windowShift();
        for (int f = 0; f < frames; f++) {
            out[f] = extractor.computeFrame(buffer, f * shift);
        }
        int consumed = frames * shift;
        System.arraycopy(buffer, consumed, buffer, 0, buffered - consumed);
        buffered -= consumed;
        framesEmitted += frames;
        return out;
    }

    /** Frames returned by {@link #drainFrames()} so far over the stream's life (including before a restore). */
    public int framesEmitted() {
        return framesEmitted;
    }

    /** Samples held for frames not yet emitted. */
    public int pendingSamples() {
        return buffered;
    }

    /**
     * Serialized state: version byte, window size, window shift, mel bins (to catch a restore with a
     * different config), frames emitted, pending sample count, pending samples as float bits.
     */
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(21 + 4 * buffered);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(SNAPSHOT_VERSION);
            out.writeInt(extractor.windowSize());
            out.writeInt(extractor.windowShift());
            out.writeInt(extractor.numMelBins());
            out.writeInt(framesEmitted);
            out.writeInt(buffered);
            for (int i = 0; i < buffered; i++) {
                out.writeFloat(buffer[i]);
            }
        } catch (IOException e) {
            throw new AsrException("Could not serialize StreamingFbank state to memory", e);
        }
        return bytes.toByteArray();
    }

    /** Rebuilds a stream from {@link #snapshot()} bytes; the extractor must have the same framing and bins. */
    public static StreamingFbank restore(FbankExtractor extractor, byte[] snapshot) {
        Objects.requireNonNull(extractor, "extractor");
        Objects.requireNonNull(snapshot, "snapshot");
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            byte version = in.readByte();
            if (version != SNAPSHOT_VERSION) {
                throw new AsrException("Expected StreamingFbank snapshot version " + SNAPSHOT_VERSION
                        + ", got " + version);
            }
            int windowSize = in.readInt();
            int windowShift = in.readInt();
            int melBins = in.readInt();
            if (windowSize != extractor.windowSize() || windowShift != extractor.windowShift()
                    || melBins != extractor.numMelBins()) {
                throw new AsrException("StreamingFbank snapshot was taken with window " + windowSize + "/"
                        + windowShift + " and " + melBins + " mel bins, expected " + extractor.windowSize() + "/"
                        + extractor.windowShift() + " and " + extractor.numMelBins());
            }
            int frames = in.readInt();
            int pending = in.readInt();
            if (frames < 0 || pending < 0 || pending > (snapshot.length - 21) / 4) {
                throw new AsrException("Corrupt StreamingFbank snapshot: frames=" + frames + ", pending=" + pending
                        + " in " + snapshot.length + " bytes");
            }
            float[] samples = new float[pending];
            for (int i = 0; i < pending; i++) {
                samples[i] = in.readFloat();
            }
            if (in.available() != 0) {
                throw new AsrException("Corrupt StreamingFbank snapshot: " + in.available() + " trailing bytes");
            }
            return new StreamingFbank(extractor, samples, frames);
        } catch (IOException e) {
            throw new AsrException("Truncated StreamingFbank snapshot of " + snapshot.length + " bytes", e);
        }
    }
}
