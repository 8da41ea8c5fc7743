package org.codaasr.model.onnx;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * One stream's state in a cache-based streaming encoder: per layer the attention keys and values of the last
 * {@link StreamingShape#cacheFrames()} frames (oldest first, the newest {@link #frames()} valid) and the depthwise
 * convolution's last inputs. {@link OnnxStreamingEncoder#encode} reads and replaces it. Not thread-safe.
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

    /** Bytes {@link #write} produces. */
    public int serializedSize() {
        return HEADER_BYTES + payloadBytes();
    }

    private int payloadBytes() {
        return frames == 0 ? 0 : (shape.layers() * 2 * frames * shape.dModel() + convolution.length) * Float.BYTES;
    }

    /** Writes the shape and the valid frames only; an empty cache is a 20-byte header. */
    public void write(DataOutputStream out) throws IOException {
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
        int d = shape.dModel();
        int skip = shape.cacheFrames() - frames;
        for (int slab = 0; slab < shape.layers() * 2; slab++) {
            floats.put(attention, (slab * shape.cacheFrames() + skip) * d, frames * d);
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
        int layers = in.readInt();
        int dModel = in.readInt();
        int cacheFrames = in.readInt();
        int convFrames = in.readInt();
        if (layers != shape.layers() || dModel != shape.dModel() || cacheFrames != shape.cacheFrames()
                || convFrames != shape.convFrames()) {
            throw new IOException("encoder cache of " + layers + " layers x " + dModel + " (cache " + cacheFrames
                    + ", conv " + convFrames + "); this model's streaming encoder has " + shape.layers() + " x "
                    + shape.dModel() + " (cache " + shape.cacheFrames() + ", conv " + shape.convFrames()
                    + "): a snapshot from another model");
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
        int d = shape.dModel();
        int skip = shape.cacheFrames() - frames;
        for (int slab = 0; slab < shape.layers() * 2; slab++) {
            floats.get(cache.attention, (slab * shape.cacheFrames() + skip) * d, frames * d);
        }
        floats.get(cache.convolution);
        return cache;
    }
}
