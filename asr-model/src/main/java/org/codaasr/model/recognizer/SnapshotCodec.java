package org.codaasr.model.recognizer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.codaasr.model.features.StreamingFbank;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.onnx.EncoderCache;

/**
 * Writes and reads {@link RecognizerStream} snapshots. A CTC stream's snapshot is version 5, byte for byte what
 * streams wrote before the recognizer was split into model families, and versions 2 to 4 still read: restarts from
 * existing state stores keep working. A transducer stream's is version {@value #VERSION_TRANSDUCER}: the same stream
 * fields, then its search's hypotheses (decoder context, tokens, frames, probabilities, log-probability) and encoder
 * states; the decoder's outputs are computed again after a restore.
 */
final class SnapshotCodec {

    static final int VERSION = 5;
    /** A transducer stream's snapshot. */
    static final int VERSION_TRANSDUCER = 6;
    /** Version 4 snapshots lack the pending variant, and their cache is always the dense encoder's. */
    static final int VERSION_DENSE_CACHE = 4;
    /** Version 3 snapshots lack the encoder cache; such streams encode windowed until their next segment. */
    static final int VERSION_NO_CACHE = 3;
    /** Version 2 snapshots lack the pinned flag as well; they are read as unpinned. */
    static final int VERSION_UNPINNED = 2;

    private SnapshotCodec() {
    }

    static byte[] write(RecognizerStream s) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            boolean transducer = s.segment() instanceof TransducerSegment;
            out.writeByte(transducer ? VERSION_TRANSDUCER : VERSION);
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
            if (transducer) {
                writeTransducer(out, (TransducerSegment) s.segment());
            } else {
                writeFrames(out, ((CtcSegment) s.segment()).logProbs);
            }
            out.writeInt(s.variant.reductionFactor());
            out.writeInt(s.windowsAtLevel);
            out.writeBoolean(s.pinned);
            out.writeInt(s.pendingVariant == null ? -1 : s.pendingVariant.reductionFactor());
            if (!transducer) {
                CtcSegment ctc = (CtcSegment) s.segment();
                out.writeBoolean(ctc.cache != null);
                if (ctc.cache != null) {
                    out.writeBoolean(ctc.cacheInSync);
                    ctc.cache.write(out);
                }
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
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot));
        int version = in.readByte();
        boolean transducer = s.segment() instanceof TransducerSegment;
        if (transducer != (version == VERSION_TRANSDUCER)) {
            throw new IOException("snapshot of a " + (version == VERSION_TRANSDUCER ? "transducer" : "CTC")
                    + " stream (version " + version + "); this model is a "
                    + (transducer ? "transducer" : "CTC model"));
        }
        if (transducer) {
            return readTransducer(s, in);
        }
        CtcSegment ctc = (CtcSegment) s.segment();
        if (version < VERSION_UNPINNED || version > VERSION) {
            throw new IOException("snapshot version " + version + ", expected " + VERSION_UNPINNED + " to "
                    + VERSION + " (or " + VERSION_TRANSDUCER + " for a transducer)");
        }
        readStreamFields(s, in);
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

    private static void readStreamFields(RecognizerStream s, DataInputStream in) throws IOException {
        StreamSpec spec = s.spec;
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
    }

    private static void writeTransducer(DataOutputStream out, TransducerSegment t) throws IOException {
        out.writeInt(t.frames);
        out.writeInt(t.hyps.size());
        for (TransducerHyp h : t.hyps) {
            out.writeInt(h.prefix.length);
            for (long id : h.prefix) {
                out.writeLong(id);
            }
            out.writeInt(h.count);
            for (int i = 0; i < h.count; i++) {
                out.writeInt(h.tokens[i]);
                out.writeInt(h.frames[i]);
                out.writeFloat(h.probabilities[i]);
            }
            out.writeDouble(h.logProb);
        }
        t.state.write(out);
    }

    private static RecognizerStream readTransducer(RecognizerStream s, DataInputStream in) throws IOException {
        readStreamFields(s, in);
        TransducerSegment t = (TransducerSegment) s.segment();
        int context = t.best().prefix.length;
        t.frames = in.readInt();
        int n = in.readInt();
        if (n < 1 || n > 10_000) {
            throw new IOException("implausible hypothesis count " + n);
        }
        List<TransducerHyp> hyps = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            int size = in.readInt();
            if (size != context) {
                throw new IOException("snapshot's decoder context holds " + size + " tokens; this model's " + context);
            }
            long[] prefix = new long[size];
            for (int i = 0; i < size; i++) {
                prefix[i] = in.readLong();
            }
            TransducerHyp h = new TransducerHyp(prefix, 0);
            int count = in.readInt();
            if (count < 0 || count > 10_000_000) {
                throw new IOException("implausible token count " + count);
            }
            for (int i = 0; i < count; i++) {
                int token = in.readInt();
                if (token < 0 || token >= s.spec.vocabSize()) {
                    throw new IOException("snapshot token " + token + " outside this model's " + s.spec.vocabSize()
                            + " tokens (a snapshot from another model)");
                }
                h.emit(token, in.readInt(), in.readFloat());
            }
            h.logProb = in.readDouble();
            hyps.add(h);
        }
        t.hyps = hyps; // in the order written: best first
        t.state.read(in);
        t.advance(0);
        in.readInt(); // the variant: a transducer has one
        s.windowsAtLevel = in.readInt();
        s.pinned = in.readBoolean();
        in.readInt(); // no pending variant
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
