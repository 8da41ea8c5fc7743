package org.codaasr.model.recognizer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import org.codaasr.model.features.StreamingFbank;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.onnx.EncoderCache;

/**
 * Writes and reads {@link RecognizerStream} snapshots. A CTC stream's snapshot is version 5, byte for byte what
 * streams wrote before the recognizer was split into model families, and versions 2 to 4 still read: restarts from
 * existing state stores keep working.
 */
final class SnapshotCodec {

    static final int VERSION = 5;
    /** Version 4 snapshots lack the pending variant, and their cache is always the dense encoder's. */
    static final int VERSION_DENSE_CACHE = 4;
    /** Version 3 snapshots lack the encoder cache; such streams encode windowed until their next segment. */
    static final int VERSION_NO_CACHE = 3;
    /** Version 2 snapshots lack the pinned flag as well; they are read as unpinned. */
    static final int VERSION_UNPINNED = 2;

    private SnapshotCodec() {
    }

    static byte[] write(RecognizerStream s) {
        CtcSegment ctc = (CtcSegment) s.segment();
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            byte[] fb = s.fbank.snapshot();
            out.writeInt(fb.length);
            out.write(fb);
            out.writeInt(s.featureBase);
            writeFrames(out, s.features);
            out.writeInt(s.outputFramesDone);
            out.writeBoolean(s.inputFinished);
            out.writeLong(s.samplesAccepted);
            out.writeInt(s.segmentStartFrame);
            out.writeLong(s.segmentIndex);
            writeFrames(out, ctc.logProbs);
            out.writeInt(s.variant.reductionFactor());
            out.writeInt(s.windowsAtLevel);
            out.writeBoolean(s.pinned);
            out.writeInt(s.pendingVariant == null ? -1 : s.pendingVariant.reductionFactor());
            out.writeBoolean(ctc.cache != null);
            if (ctc.cache != null) {
                out.writeBoolean(ctc.cacheInSync);
                ctc.cache.write(out);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param fresh a new stream of the recognizer that reads the snapshot, filled in here
     */
    static RecognizerStream read(RecognizerStream fresh, byte[] snapshot) throws IOException {
        StreamSpec spec = fresh.spec;
        RecognizerStream s = fresh;
        CtcSegment ctc = (CtcSegment) s.segment();
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot));
        int version = in.readByte();
        if (version < VERSION_UNPINNED || version > VERSION) {
            throw new IOException("snapshot version " + version + ", expected " + VERSION_UNPINNED + " to "
                    + VERSION);
        }
        byte[] fb = new byte[in.readInt()];
        in.readFully(fb);
        s.fbank = StreamingFbank.restore(spec.fbank(), fb);
        s.featureBase = in.readInt();
        readFrames(in, s.features);
        if (!s.features.isEmpty() && s.features.get(0).length != spec.featureDim()) {
            throw new IOException("snapshot holds " + s.features.get(0).length + "-bin features; this model reads "
                    + spec.featureDim());
        }
        s.outputFramesDone = in.readInt();
        s.inputFinished = in.readBoolean();
        s.samplesAccepted = in.readLong();
        s.segmentStartFrame = in.readInt();
        s.segmentIndex = in.readLong();
        readFrames(in, ctc.logProbs);
        int tokens = spec.vocabSize();
        if (!ctc.logProbs.isEmpty() && ctc.logProbs.get(0).length != tokens) {
            throw new IOException("snapshot of a model with " + ctc.logProbs.get(0).length
                    + " output tokens; this model has " + tokens + " (a snapshot from another model)");
        }
        int r = in.readInt();
        CodaVariant saved;
        try {
            saved = CodaVariant.of(r);
        } catch (IllegalArgumentException e) {
            throw new IOException("snapshot names no CoDA variant: " + e.getMessage(), e);
        }
        s.variant = spec.variants().contains(saved) ? saved : spec.defaultVariant();
        ctc.useVariant(s.variant);
        s.windowsAtLevel = in.readInt();
        s.pinned = version >= VERSION_NO_CACHE && in.readBoolean() && s.variant == saved;
        if (version >= VERSION) {
            int pending = in.readInt();
            try {
                CodaVariant p = pending < 0 ? null : CodaVariant.of(pending);
                s.pendingVariant = p != null && spec.variants().contains(p) ? p : null;
            } catch (IllegalArgumentException e) {
                throw new IOException("snapshot's pending variant: " + e.getMessage(), e);
            }
        }
        boolean hasCache = version >= VERSION_DENSE_CACHE && in.readBoolean();
        // the cache belongs to the saved variant (a version 4 snapshot's to the dense backbone)
        CodaVariant cacheVariant = version == VERSION_DENSE_CACHE ? CodaVariant.DENSE : saved;
        if (hasCache) {
            boolean inSync = in.readBoolean();
            if (ctc.cache != null && cacheVariant == s.variant) {
                ctc.cache = EncoderCache.read(ctc.cache.shape(), in);
                ctc.cacheInSync = inSync;
            } else if (ctc.cache != null) {
                ctc.cacheInSync = false; // another variant's cache: windowed until the next segment
            } // else: this variant encodes windowed here; the rest is ignored
        } else if (ctc.cache != null) {
            ctc.cacheInSync = false; // the snapshot holds no cache: windowed until the next segment starts it afresh
        }
        return s;
    }

    static void writeFrames(DataOutputStream out, List<float[]> frames) throws IOException {
        int dim = frames.isEmpty() ? 0 : frames.get(0).length;
        out.writeInt(frames.size());
        out.writeInt(dim);
        // one bulk copy instead of a writeFloat per value (snapshots are taken on the streaming hot path);
        // ByteBuffer is big-endian like DataOutputStream, so the bytes are the same
        ByteBuffer block = ByteBuffer.allocate(frames.size() * dim * Float.BYTES);
        FloatBuffer floats = block.asFloatBuffer();
        for (float[] f : frames) {
            floats.put(f);
        }
        out.write(block.array());
    }

    static void readFrames(DataInputStream in, List<float[]> into) throws IOException {
        int n = in.readInt();
        int dim = in.readInt();
        if (n < 0 || dim < 0 || (long) n * dim > 50_000_000L) {
            throw new IOException("implausible frame block " + n + " x " + dim);
        }
        byte[] block = new byte[n * dim * Float.BYTES];
        in.readFully(block);
        FloatBuffer floats = ByteBuffer.wrap(block).asFloatBuffer();
        for (int i = 0; i < n; i++) {
            float[] f = new float[dim];
            floats.get(f);
            into.add(f);
        }
    }
}
