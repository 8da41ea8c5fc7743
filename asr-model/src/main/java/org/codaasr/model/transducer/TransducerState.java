package org.codaasr.model.transducer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * One stream's streaming-encoder states, in the encoder's input order ({@link Zipformer2Contract#states()}), for a
 * batch of one. {@link OnnxTransducer#encode} reads and replaces them. Not thread-safe.
 */
public final class TransducerState {

    private final List<Zipformer2Contract.StateSpec> specs;
    final float[][] floats;
    final long[][] longs;

    TransducerState(List<Zipformer2Contract.StateSpec> specs) {
        this.specs = specs;
        this.floats = new float[specs.size()][];
        this.longs = new long[specs.size()][];
        for (int i = 0; i < specs.size(); i++) {
            if (specs.get(i).int64()) {
                longs[i] = new long[specs.get(i).size()];
            } else {
                floats[i] = new float[specs.get(i).size()];
            }
        }
    }

    /** Feature frames' worth of encoder calls so far ({@code processed_lens}); 0 for a fresh state. */
    public long processedFrames() {
        for (int i = 0; i < specs.size(); i++) {
            if (specs.get(i).int64()) {
                return longs[i][0];
            }
        }
        return 0;
    }

    /** Writes every state's values, in order. */
    public void write(DataOutputStream out) throws IOException {
        out.writeInt(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            if (longs[i] != null) {
                out.writeInt(longs[i].length);
                for (long v : longs[i]) {
                    out.writeLong(v);
                }
            } else {
                out.writeInt(floats[i].length);
                for (float v : floats[i]) {
                    out.writeFloat(v);
                }
            }
        }
    }

    /** Reads what {@link #write} wrote into this state, checking it has this encoder's shapes. */
    public void read(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n != specs.size()) {
            throw new IOException("snapshot holds " + n + " encoder states; this encoder has " + specs.size());
        }
        for (int i = 0; i < n; i++) {
            int size = in.readInt();
            int expected = specs.get(i).size();
            if (size != expected) {
                throw new IOException("snapshot's " + specs.get(i).name() + " holds " + size
                        + " values; this encoder's " + expected);
            }
            if (longs[i] != null) {
                for (int j = 0; j < size; j++) {
                    longs[i][j] = in.readLong();
                }
            } else {
                for (int j = 0; j < size; j++) {
                    floats[i][j] = in.readFloat();
                }
            }
        }
    }
}
