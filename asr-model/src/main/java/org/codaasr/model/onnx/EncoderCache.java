package org.codaasr.model.onnx;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * One stream's state in a cache-based streaming encoder: per layer the attention keys and values of the last
 * {@link StreamingShape#cacheFrames()} frames (oldest first, the newest {@link #frames()} valid; a routed CoDA
 * layer holds only the frames it processed of them) and the depthwise convolution's last inputs. {@link OnnxStreamingEncoder#encode} reads and replaces it. Not thread-safe.
 */
public final class EncoderCache {

    private final StreamingShape shape;
    final float[] attention;
    final float[] convolution;
    private int frames;

    EncoderCache(StreamingShape shape) {
        this.shape = shape;
        this.attention = new float[shape.attentionSize()];
        this.convolution = new float[shape.convolutionSize()];
    }

    public StreamingShape shape() {
        return shape;
    }

    /** Valid frames of attention context (0 for a fresh or reset cache). */
    public int frames() {
        return frames;
    }

    /** True when the cache holds no context: a new stream, or one {@link #reset()} since. */
    public boolean isEmpty() {
        return frames == 0;
    }

    /** Forgets all context, as at the start of a stream (the convolution history becomes its zero padding). */
    public void reset() {
        if (frames != 0) {
            Arrays.fill(attention, 0f);
            Arrays.fill(convolution, 0f);
            frames = 0;
        }
    }

    void advance(int newFrames) {
        frames = Math.min(shape.cacheFrames(), frames + newFrames);
    }

    private static final int HEADER_BYTES = 5 * Integer.BYTES;
    /** Starts the header of a CoDA-layout cache (a dense header starts with its layer count, never negative). */
    private static final int PACKED_MARKER = -1;

    /** Bytes {@link #write} produces. */
    public int serializedSize() {
        return HEADER_BYTES + (shape.isPacked() ? 2 * Integer.BYTES : 0) + payloadBytes();
    }

    private int payloadBytes() {
        if (frames == 0) {
            return 0;
        }
        int att = shape.isPacked() ? attention.length : shape.layers() * 2 * frames * shape.dModel();
        return (att + convolution.length) * Float.BYTES;
    }

    /**
     * Writes the shape and the valid frames only (the dense layout; the CoDA layout, whose layers hold different
     * numbers of slots, is written whole); an empty cache is a 20-byte header (24 for the CoDA layout).
     */
    public void write(DataOutputStream out) throws IOException {
        if (shape.isPacked()) {
            out.writeInt(PACKED_MARKER);
            out.writeInt(shape.attentionSlots());
        }
        out.writeInt(shape.layers());
        out.writeInt(shape.dModel());
        out.writeInt(shape.cacheFrames());
        out.writeInt(shape.convFrames());
        out.writeInt(frames);
        if (frames == 0) {
            return;
        }
        ByteBuffer block = ByteBuffer.allocate(payloadBytes());
        FloatBuffer floats = block.asFloatBuffer();
        if (shape.isPacked()) {
            floats.put(attention);
        } else {
            int d = shape.dModel();
            int skip = shape.cacheFrames() - frames;
            for (int slab = 0; slab < shape.layers() * 2; slab++) {
                floats.put(attention, (slab * shape.cacheFrames() + skip) * d, frames * d);
            }
        }
        floats.put(convolution);
        out.write(block.array());
    }

    /**
     * Reads what {@link #write} wrote.
     *
     * @throws IOException when the bytes are cut short or were written for an encoder of another shape
     */
    public static EncoderCache read(StreamingShape shape, DataInputStream in) throws IOException {
        int first = in.readInt();
        int slots = first == PACKED_MARKER ? in.readInt() : 0;
        int layers = first == PACKED_MARKER ? in.readInt() : first;
        int dModel = in.readInt();
        int cacheFrames = in.readInt();
        int convFrames = in.readInt();
        if (layers != shape.layers() || dModel != shape.dModel() || cacheFrames != shape.cacheFrames()
                || convFrames != shape.convFrames() || slots != shape.attentionSlots()) {
            throw new IOException("encoder cache of " + layers + " layers x " + dModel + " (cache " + cacheFrames
                    + ", conv " + convFrames + ", slots " + slots + "); this model's streaming encoder has "
                    + shape.layers() + " x " + shape.dModel() + " (cache " + shape.cacheFrames() + ", conv "
                    + shape.convFrames() + ", slots " + shape.attentionSlots() + "): a snapshot from another model");
        }
        EncoderCache cache = new EncoderCache(shape);
        int frames = in.readInt();
        if (frames < 0 || frames > shape.cacheFrames()) {
            throw new IOException("encoder cache of " + frames + " frames; this model caches at most "
                    + shape.cacheFrames());
        }
        if (frames == 0) {
            return cache;
        }
        cache.frames = frames;
        byte[] block = new byte[cache.payloadBytes()];
        in.readFully(block);
        FloatBuffer floats = ByteBuffer.wrap(block).asFloatBuffer();
        if (shape.isPacked()) {
            floats.get(cache.attention);
        } else {
            int d = shape.dModel();
            int skip = shape.cacheFrames() - frames;
            for (int slab = 0; slab < shape.layers() * 2; slab++) {
                floats.get(cache.attention, (slab * shape.cacheFrames() + skip) * d, frames * d);
            }
        }
        floats.get(cache.convolution);
        return cache;
    }
}
