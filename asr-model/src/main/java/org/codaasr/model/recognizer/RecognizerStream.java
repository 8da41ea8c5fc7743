package org.codaasr.model.recognizer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.codaasr.model.AsrException;
import org.codaasr.model.audio.Resampler;
import org.codaasr.model.ctc.CtcDecoder;
import org.codaasr.model.ctc.CtcHypothesis;
import org.codaasr.model.ctc.WordInfo;
import org.codaasr.model.features.StreamingFbank;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.onnx.EncoderCache;

/**
 * Per-stream recognition state: the feature extractor's unconsumed samples, the feature frames not yet encoded (and,
 * for windowed encoding, those still needed as left context), the streaming encoder's cache where the recognizer has
 * one, and the open segment's CTC log-probabilities. Feed audio with {@link #acceptWaveform},
 * let the shared {@link Recognizer#decode} run the encoder, read {@link #partial()} and drain finals with
 * {@link #pollFinal()}. {@link #snapshot()} serializes the state so a Kafka Streams task can resume it after a
 * restart or rebalance. Not thread-safe: one stream is driven by one thread at a time.
 */
public final class RecognizerStream {

    private static final int SNAPSHOT_VERSION = 5;
    /** Version 4 snapshots lack the pending variant, and their cache is always the dense encoder's. */
    private static final int SNAPSHOT_VERSION_DENSE_CACHE = 4;
    /** Version 3 snapshots lack the encoder cache; such streams encode windowed until their next segment. */
    private static final int SNAPSHOT_VERSION_NO_CACHE = 3;
    /** Version 2 snapshots lack the pinned flag as well; they are read as unpinned. */
    private static final int SNAPSHOT_VERSION_UNPINNED = 2;

    /**
     * A slice of features for one encoder call and how many of its trailing output frames are new; a cached window
     * holds only new frames and goes through the streaming encoder with this stream's cache.
     */
    record Window(float[][] features, int firstOutputFrame, int newOutputFrames, boolean cached) {}

    private final Recognizer recognizer;
    private StreamingFbank fbank;
    private final ArrayList<float[]> features = new ArrayList<>();
    private int featureBase;
    private int outputFramesDone;
    private boolean inputFinished;
    private long samplesAccepted;

    private final ArrayList<float[]> segmentLogProbs = new ArrayList<>();
    private int segmentStartFrame;
    private long segmentIndex;
    private final Deque<RecognitionResult> finals = new ArrayDeque<>();
    private CodaVariant variant;
    /**
     * The variant asked for while a segment was open: the stream moves to it where its cache starts afresh (a
     * segment boundary, or leading silence), never inside a segment; null when none is waiting.
     */
    private CodaVariant pendingVariant;
    /** Set by a pinning {@link RoutingRequest}: load-adaptive routing leaves the stream at its variant. */
    private boolean pinned;
    private int windowsAtLevel;
    /** Greedy hypothesis of the open segment as of the last change to it; null when it must be recomputed. */
    private CtcHypothesis segmentGreedy;
    /**
     * The final decoder's search over the open segment, advanced with each window once the segment holds speech, so
     * that closing the segment costs little; null until then (and after a restore, when it catches up at once).
     */
    private CtcDecoder.Session finalSearch;
    /** The state of the current variant's streaming encoder; null when that variant encodes windowed. */
    private EncoderCache cache;
    /**
     * False once a window was encoded without the cache (a stream restored from a snapshot without one): the cache
     * then misses frames, so the stream runs windowed until the next reset gives the cache a clean start.
     */
    private boolean cacheInSync = true;

    RecognizerStream(Recognizer recognizer) {
        this.recognizer = recognizer;
        this.fbank = new StreamingFbank(recognizer.fbank());
        this.variant = recognizer.defaultVariant();
        this.cache = newCache(variant);
    }

    private EncoderCache newCache(CodaVariant v) {
        var encoder = recognizer.streamingEncoder(v);
        return encoder == null ? null : encoder.newCache();
    }

    /** True when the next window goes through the cache-based streaming encoder. */
    public boolean encodesWithCache() {
        return cache != null && cacheInSync;
    }

    /** True while the encoder cache holds context, which makes a {@link #snapshot()} larger by its size. */
    public boolean holdsEncoderContext() {
        return cache != null && !cache.isEmpty();
    }

    EncoderCache cache() {
        return cache;
    }

    /**
     * Segment boundaries and leading silence start the cache afresh, which keeps most snapshots small; there a
     * pending variant change takes effect.
     */
    private void resetCache() {
        if (cache != null) {
            cache.reset();
            cacheInSync = true;
        }
        if (pendingVariant != null) {
            switchTo(pendingVariant);
        }
    }

    private void switchTo(CodaVariant v) {
        pendingVariant = null;
        if (v != variant) {
            variant = v;
            windowsAtLevel = 0;
            cache = newCache(v);
            cacheInSync = true;
        }
    }

    /** The CoDA variant that encodes the open segment (every window of a segment uses one variant). */
    public CodaVariant variant() {
        return variant;
    }

    /**
     * Moves the stream to {@code v} (one of {@link Recognizer#variants()}): at once while the open segment holds
     * no encoded frame, else where the next segment starts (its caches start afresh there).
     *
     * @throws IllegalArgumentException for a variant the recognizer has no model for
     */
    public void setVariant(CodaVariant v) {
        if (!recognizer.variants().contains(v)) {
            throw new IllegalArgumentException("no model for the " + v.label() + "; available: "
                    + recognizer.variants());
        }
        if (segmentLogProbs.isEmpty()) {
            switchTo(v);
        } else {
            pendingVariant = v == variant ? null : v;
        }
    }

    /**
     * Applies what the stream's sender asked for: a pinned variant the recognizer has a model for is used from the
     * next segment on (at once before any audio, {@link #setVariant}) and kept whatever the load;
     * {@link RoutingRequest#ADAPTIVE} lets load-adaptive routing move the stream again.
     *
     * @return false when the pinned variant is not loaded (the stream keeps its variant)
     */
    public boolean request(RoutingRequest request) {
        if (request.isAdaptive()) {
            pinned = false;
            return true;
        }
        if (!recognizer.variants().contains(request.variant())) {
            return false;
        }
        setVariant(request.variant());
        pinned = true;
        return true;
    }

    /** True when a {@link RoutingRequest} pinned this stream's variant. */
    public boolean isPinned() {
        return pinned;
    }

    /**
     * Load-adaptive routing: moves this stream one level cheaper when it lags behind real time by more than the
     * configured threshold, one level more accurate when it has caught up, at most once per hold period; the move
     * waits for the next segment boundary ({@link #setVariant}).
     *
     * @param lagSeconds how far the newest accepted audio is behind the wall clock
     * @return the variant now in force (the open segment's)
     */
    public CodaVariant adaptToLag(double lagSeconds) {
        AdaptiveRouting routing = recognizer.adaptiveRouting();
        // the hold keeps a stream from moving back and forth (one level per segment boundary); a stream that has not
        // encoded anything yet has nothing to keep, so a new stream of a loaded instance starts at the cheaper level
        if (!recognizer.isAdaptive() || pinned || windowsAtLevel < routing.holdWindows() && outputFramesDone > 0) {
            return variant;
        }
        CodaVariant next = routing.next(variant, lagSeconds);
        if (recognizer.variants().contains(next)) {
            setVariant(next);
        }
        return variant;
    }

    /**
     * Appends audio. Samples at another rate are resampled chunk by chunk; a stream should keep one rate.
     *
     * @throws IllegalStateException after {@link #inputFinished()}
     */
    public void acceptWaveform(float[] samples, int sampleRate) {
        if (inputFinished) {
            throw new IllegalStateException("stream input already finished; create a new stream for more audio");
        }
        int rate = recognizer.fbank().config().sampleRate();
        float[] at = sampleRate == rate ? samples : Resampler.resample(samples, sampleRate, rate);
        samplesAccepted += at.length;
        fbank.acceptWaveform(at);
        for (float[] frame : fbank.drainFrames()) {
            features.add(frame);
        }
    }

    /** No more audio will come: the rest is decoded and the open segment becomes final. */
    public void inputFinished() {
        if (inputFinished) {
            return;
        }
        inputFinished = true;
        if (nextWindow() == null) {
            checkEndpoint();
        }
    }

    public boolean isInputFinished() {
        return inputFinished;
    }

    /** Seconds of audio accepted so far. */
    public double audioSeconds() {
        return samplesAccepted / (double) recognizer.fbank().config().sampleRate();
    }

    /** True when {@link Recognizer#decode} has encoder work to do for this stream. */
    public boolean isReady() {
        return nextWindowEnd() >= 0;
    }

    /** True when every accepted sample has been decoded and every final emitted (after {@link #inputFinished()}). */
    public boolean isDone() {
        return inputFinished && nextWindowEnd() < 0 && segmentLogProbs.isEmpty();
    }

    private int featureFramesTotal() {
        return featureBase + features.size();
    }

    private int outputFramesAvailable(int featureFrames) {
        int r = recognizer.receptiveField();
        return featureFrames < r ? 0 : (featureFrames - r) / recognizer.subsampling() + 1;
    }

    Window nextWindow() {
        int end = nextWindowEnd();
        if (end < 0) {
            return null;
        }
        int s = recognizer.subsampling();
        int total = featureFramesTotal();
        int available = outputFramesAvailable(total);
        boolean cached = encodesWithCache();
        // a stream restored from a cached one's snapshot has kept no left context: its windows start where it has
        int earliest = (featureBase + s - 1) / s;
        int start = cached ? outputFramesDone
                : Math.max(earliest, outputFramesDone - recognizer.leftContextFrames());
        int fromFeature = s * start;
        // the cached encoder takes exactly the chunk's frames; a windowed call may carry the few trailing frames
        // that make no further output frame
        int toFeature = !cached && inputFinished && end == available ? total
                : s * (end - 1) + recognizer.receptiveField();
        float[][] slice = new float[toFeature - fromFeature][];
        for (int i = 0; i < slice.length; i++) {
            slice[i] = features.get(fromFeature - featureBase + i);
        }
        return new Window(slice, start, end - outputFramesDone, cached);
    }

    /** End (exclusive, in output frames) of the next window to encode, or -1 when no window is ready. */
    private int nextWindowEnd() {
        int available = outputFramesAvailable(featureFramesTotal());
        if (available - outputFramesDone >= recognizer.chunkFrames()) {
            return outputFramesDone + recognizer.chunkFrames();
        }
        return inputFinished && available > outputFramesDone ? available : -1;
    }

    void acceptWindowOutput(Window window, float[][] logProbs) {
        int skip = logProbs.length - window.newOutputFrames();
        if (skip < 0) {
            throw new AsrException("encoder returned " + logProbs.length + " frames for a window that should give "
                    + (window.firstOutputFrame() + window.newOutputFrames()) + "; the model's subsampling metadata "
                    + "does not match its graph");
        }
        for (int t = skip; t < logProbs.length; t++) {
            segmentLogProbs.add(logProbs[t]);
        }
        if (!window.cached()) {
            cacheInSync = false;
        }
        segmentGreedy = null;
        outputFramesDone += window.newOutputFrames();
        windowsAtLevel++;
        trimFeatures();
        checkEndpoint();
        if (segmentGreedy().tokenFrames().length > 0) {
            feedFinalSearch(); // leading silence is left out: it may still be trimmed away
        }
    }

    private void feedFinalSearch() {
        if (recognizer.finalDecoder() == recognizer.partialDecoder()) {
            return;
        }
        if (finalSearch == null) {
            finalSearch = recognizer.finalDecoder().start();
        }
        int fed = finalSearch.frames();
        if (fed < segmentLogProbs.size()) {
            finalSearch.accept(segmentLogProbs.subList(fed, segmentLogProbs.size()).toArray(new float[0][]));
        }
    }

    private void trimFeatures() {
        int keepFrom = recognizer.subsampling() * Math.max(0, outputFramesDone - recognizer.featureContextFrames());
        int drop = keepFrom - featureBase;
        if (drop > 0) {
            features.subList(0, drop).clear();
            featureBase = keepFrom;
        }
    }

    private void checkEndpoint() {
        double frameSec = recognizer.frameSeconds();
        int length = segmentLogProbs.size();
        int[] frames = segmentGreedy().tokenFrames();
        int lastToken = frames.length == 0 ? -1 : frames[frames.length - 1];
        int trailing = length - 1 - lastToken;
        StreamingConfig cfg = recognizer.config().streaming();
        boolean exhausted = inputFinished && nextWindow() == null;
        if (frames.length == 0) {
            // Leading silence: keep the segment short instead of carrying it into the utterance.
            int keep = (int) Math.ceil(0.5 / frameSec);
            if (!exhausted && length > 2 * keep) {
                int drop = length - keep;
                segmentLogProbs.subList(0, drop).clear();
                segmentGreedy = null;
                finalSearch = null;
                segmentStartFrame += drop;
                resetCache();
            } else if (exhausted) {
                segmentStartFrame += segmentLogProbs.size();
                segmentLogProbs.clear();
                segmentGreedy = null;
                finalSearch = null;
            }
            return;
        }
        double pause = cfg.trailingSilenceSeconds();
        double maxLength = cfg.maxUtteranceSeconds();
        if (pendingVariant != null && recognizer.adaptiveRouting().isCheaper(pendingVariant, variant)) {
            // under load: end the segment sooner, so that the stream reaches the cheaper level sooner
            pause = Math.min(pause, AdaptiveRouting.SWITCH_PAUSE_SECONDS);
            maxLength = Math.min(maxLength, AdaptiveRouting.SWITCH_MAX_SEGMENT_SECONDS);
        }
        boolean silence = trailing * frameSec >= pause;
        boolean tooLong = length * frameSec >= maxLength;
        if (silence || tooLong || exhausted) {
            closeSegment();
        }
    }

    private void closeSegment() {
        double frameSec = recognizer.frameSeconds();
        CtcHypothesis hyp;
        if (recognizer.finalDecoder() == recognizer.partialDecoder()) {
            hyp = segmentGreedy();
        } else {
            feedFinalSearch();
            hyp = finalSearch.finish(segmentLogProbs.toArray(new float[0][]), frameSec);
        }
        double offset = segmentStartFrame * frameSec;
        finals.add(new RecognitionResult(segmentIndex, hyp.text(), shift(hyp.words(), offset), true, offset,
                offset + segmentLogProbs.size() * frameSec, variant));
        segmentIndex++;
        segmentStartFrame += segmentLogProbs.size();
        segmentLogProbs.clear();
        segmentGreedy = null;
        finalSearch = null;
        resetCache();
    }

    private static List<WordInfo> shift(List<WordInfo> words, double offset) {
        List<WordInfo> out = new ArrayList<>(words.size());
        for (WordInfo w : words) {
            out.add(new WordInfo(w.word(), w.startSeconds() + offset, w.endSeconds() + offset, w.confidence()));
        }
        return out;
    }

    private CtcHypothesis segmentGreedy() {
        if (segmentGreedy == null) {
            segmentGreedy = recognizer.partialDecoder().decode(segmentLogProbs.toArray(new float[0][]),
                    recognizer.frameSeconds());
        }
        return segmentGreedy;
    }

    /** Moves every closed segment into {@code into}, in order. */
    public void drainFinals(List<RecognitionResult> into) {
        for (RecognitionResult r = finals.poll(); r != null; r = finals.poll()) {
            into.add(r);
        }
    }

    /** The open segment's current greedy hypothesis (empty text before any speech). */
    public RecognitionResult partial() {
        double frameSec = recognizer.frameSeconds();
        CtcHypothesis hyp = segmentGreedy();
        double offset = segmentStartFrame * frameSec;
        return new RecognitionResult(segmentIndex, hyp.text(), shift(hyp.words(), offset), false, offset,
                offset + segmentLogProbs.size() * frameSec, variant);
    }

    /** The next closed segment, or null. */
    public RecognitionResult pollFinal() {
        return finals.poll();
    }

    /**
     * Numbers this stream's segments from {@code first} on, e.g. for a stream that continues one closed earlier
     * (its segments 0 .. first-1 were already emitted). Only before any audio was accepted.
     *
     * @throws IllegalStateException once audio has been accepted
     */
    public void continueSegmentsFrom(long first) {
        if (samplesAccepted > 0 || segmentIndex != 0) {
            throw new IllegalStateException("segments can be renumbered only before any audio, at segment "
                    + segmentIndex + " after " + samplesAccepted + " samples");
        }
        if (first < 0) {
            throw new IllegalArgumentException("first segment must be >= 0, got " + first);
        }
        segmentIndex = first;
    }

    /** Index of the segment now open (finals emitted so far). */
    public long segmentIndex() {
        return segmentIndex;
    }

    /** Seconds of audio the encoder has consumed. */
    public double decodedSeconds() {
        return outputFramesDone * recognizer.frameSeconds();
    }

    /**
     * Serializes the state. Finals must be drained first, so that what a snapshot holds and what was emitted never
     * overlap.
     */
    public byte[] snapshot() {
        if (!finals.isEmpty()) {
            throw new IllegalStateException("drain finals with pollFinal() before taking a snapshot");
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(SNAPSHOT_VERSION);
            byte[] fb = fbank.snapshot();
            out.writeInt(fb.length);
            out.write(fb);
            out.writeInt(featureBase);
            writeFrames(out, features);
            out.writeInt(outputFramesDone);
            out.writeBoolean(inputFinished);
            out.writeLong(samplesAccepted);
            out.writeInt(segmentStartFrame);
            out.writeLong(segmentIndex);
            writeFrames(out, segmentLogProbs);
            out.writeInt(variant.reductionFactor());
            out.writeInt(windowsAtLevel);
            out.writeBoolean(pinned);
            out.writeInt(pendingVariant == null ? -1 : pendingVariant.reductionFactor());
            out.writeBoolean(cache != null);
            if (cache != null) {
                out.writeBoolean(cacheInSync);
                cache.write(out);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RecognizerStream restore(Recognizer recognizer, byte[] snapshot) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot));
        int version = in.readByte();
        if (version < SNAPSHOT_VERSION_UNPINNED || version > SNAPSHOT_VERSION) {
            throw new IOException("snapshot version " + version + ", expected " + SNAPSHOT_VERSION_UNPINNED + " to "
                    + SNAPSHOT_VERSION);
        }
        RecognizerStream s = new RecognizerStream(recognizer);
        byte[] fb = new byte[in.readInt()];
        in.readFully(fb);
        s.fbank = StreamingFbank.restore(recognizer.fbank(), fb);
        s.featureBase = in.readInt();
        readFrames(in, s.features);
        if (!s.features.isEmpty() && s.features.get(0).length != recognizer.fbank().config().numMelBins()) {
            throw new IOException("snapshot holds " + s.features.get(0).length + "-bin features; this model reads "
                    + recognizer.fbank().config().numMelBins());
        }
        s.outputFramesDone = in.readInt();
        s.inputFinished = in.readBoolean();
        s.samplesAccepted = in.readLong();
        s.segmentStartFrame = in.readInt();
        s.segmentIndex = in.readLong();
        readFrames(in, s.segmentLogProbs);
        int tokens = recognizer.vocabulary().size();
        if (!s.segmentLogProbs.isEmpty() && s.segmentLogProbs.get(0).length != tokens) {
            throw new IOException("snapshot of a model with " + s.segmentLogProbs.get(0).length
                    + " output tokens; this model has " + tokens + " (a snapshot from another model)");
        }
        int r = in.readInt();
        CodaVariant saved;
        try {
            saved = CodaVariant.of(r);
        } catch (IllegalArgumentException e) {
            throw new IOException("snapshot names no CoDA variant: " + e.getMessage(), e);
        }
        s.variant = recognizer.variants().contains(saved) ? saved : recognizer.defaultVariant();
        s.cache = s.newCache(s.variant);
        s.windowsAtLevel = in.readInt();
        s.pinned = version >= SNAPSHOT_VERSION_NO_CACHE && in.readBoolean() && s.variant == saved;
        if (version >= SNAPSHOT_VERSION) {
            int pending = in.readInt();
            try {
                CodaVariant p = pending < 0 ? null : CodaVariant.of(pending);
                s.pendingVariant = p != null && recognizer.variants().contains(p) ? p : null;
            } catch (IllegalArgumentException e) {
                throw new IOException("snapshot's pending variant: " + e.getMessage(), e);
            }
        }
        boolean hasCache = version >= SNAPSHOT_VERSION_DENSE_CACHE && in.readBoolean();
        // the cache belongs to the saved variant (a version 4 snapshot's to the dense backbone)
        CodaVariant cacheVariant = version == SNAPSHOT_VERSION_DENSE_CACHE ? CodaVariant.DENSE : saved;
        if (hasCache) {
            boolean inSync = in.readBoolean();
            if (s.cache != null && cacheVariant == s.variant) {
                s.cache = EncoderCache.read(s.cache.shape(), in);
                s.cacheInSync = inSync;
            } else if (s.cache != null) {
                s.cacheInSync = false; // another variant's cache: windowed until the next segment
            } // else: this variant encodes windowed here; the rest is ignored
        } else if (s.cache != null) {
            s.cacheInSync = false; // the snapshot holds no cache: windowed until the next segment starts it afresh
        }
        return s;
    }

    private static void writeFrames(DataOutputStream out, List<float[]> frames) throws IOException {
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

    private static void readFrames(DataInputStream in, List<float[]> into) throws IOException {
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
