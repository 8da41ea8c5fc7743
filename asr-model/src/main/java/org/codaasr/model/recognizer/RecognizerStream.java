package org.codaasr.model.recognizer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.codaasr.model.audio.Resampler;
import org.codaasr.model.ctc.CtcHypothesis;
import org.codaasr.model.ctc.WordInfo;
import org.codaasr.model.features.StreamingFbank;
import org.codaasr.model.onnx.CodaVariant;

/**
 * Per-stream recognition state: the feature extractor's unconsumed samples, the feature frames not yet encoded (and,
 * for windowed encoding, those still needed as left context), the routing state, and the model family's state of the
 * open segment ({@link SegmentDecoder}: encoder state and search). Feed audio with {@link #acceptWaveform}, let the
 * shared {@link Recognizer#decode} run the encoder, read {@link #partial()} and drain finals with
 * {@link #pollFinal()}. {@link #snapshot()} serializes the state ({@link SnapshotCodec}) so a Kafka Streams task can
 * resume it after a restart or rebalance. The stream knows its recognizer only through the immutable
 * {@link StreamSpec} it was created with. Not thread-safe: one stream is driven by one thread at a time.
 */
public final class RecognizerStream {

    final StreamSpec spec;
    StreamingFbank fbank;
    final ArrayList<float[]> features = new ArrayList<>();
    int featureBase;
    int outputFramesDone;
    boolean inputFinished;
    long samplesAccepted;

    int segmentStartFrame;
    long segmentIndex;
    private final Deque<RecognitionResult> finals = new ArrayDeque<>();
    CodaVariant variant;
    /**
     * The variant asked for while a segment was open: the stream moves to it where its cache starts afresh (a
     * segment boundary, or leading silence), never inside a segment; null when none is waiting.
     */
    CodaVariant pendingVariant;
    /** Set by a pinning {@link RoutingRequest}: load-adaptive routing leaves the stream at its variant. */
    boolean pinned;
    int windowsAtLevel;
    /** The model family's state of the open segment. */
    final SegmentDecoder segment;

    RecognizerStream(StreamSpec spec, SegmentDecoder segment) {
        this.spec = spec;
        this.fbank = new StreamingFbank(spec.fbank());
        this.variant = spec.defaultVariant();
        this.segment = segment;
    }

    /** The framing, endpoint and routing rules this stream was created with. */
    public StreamSpec spec() {
        return spec;
    }

    /** True when the next window goes through the cache-based streaming encoder. */
    public boolean encodesWithCache() {
        return segment.encodesWithCache();
    }

    /** True while the encoder cache holds context, which makes a {@link #snapshot()} larger by its size. */
    public boolean holdsEncoderContext() {
        return segment.holdsEncoderContext();
    }

    SegmentDecoder segment() {
        return segment;
    }

    /**
     * Segment boundaries and leading silence start the cache afresh, which keeps most snapshots small; there a
     * pending variant change takes effect.
     */
    private void resetCache() {
        segment.resetEncoder();
        if (pendingVariant != null) {
            switchTo(pendingVariant);
        }
    }

    private void switchTo(CodaVariant v) {
        pendingVariant = null;
        if (v != variant) {
            variant = v;
            windowsAtLevel = 0;
            segment.useVariant(v);
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
        if (!spec.variants().contains(v)) {
            throw new IllegalArgumentException("no model for the " + v.label() + "; available: "
                    + spec.variants());
        }
        if (segment.frames() == 0) {
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
        if (!spec.variants().contains(request.variant())) {
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
        AdaptiveRouting routing = spec.adaptive();
        // the hold keeps a stream from moving back and forth (one level per segment boundary); a stream that has not
        // encoded anything yet has nothing to keep, so a new stream of a loaded instance starts at the cheaper level
        if (!spec.isAdaptive() || pinned || windowsAtLevel < routing.holdWindows() && outputFramesDone > 0) {
            return variant;
        }
        CodaVariant next = routing.next(variant, lagSeconds);
        if (spec.variants().contains(next)) {
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
        int rate = spec.sampleRate();
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
        if (spec.tailPaddingSamples() > 0) {
            fbank.acceptWaveform(new float[spec.tailPaddingSamples()]);
            for (float[] frame : fbank.drainFrames()) {
                features.add(frame);
            }
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
        return samplesAccepted / (double) spec.sampleRate();
    }

    /** True when {@link Recognizer#decode} has encoder work to do for this stream. */
    public boolean isReady() {
        return nextWindowEnd() >= 0;
    }

    /** True when every accepted sample has been decoded and every final emitted (after {@link #inputFinished()}). */
    public boolean isDone() {
        return inputFinished && nextWindowEnd() < 0 && segment.frames() == 0;
    }

    private int featureFramesTotal() {
        return featureBase + features.size();
    }

    EncoderWindow nextWindow() {
        int end = nextWindowEnd();
        if (end < 0) {
            return null;
        }
        int s = spec.subsampling();
        int total = featureFramesTotal();
        int available = spec.outputFramesAvailable(total - (spec.wholeChunksOnly() ? 1 : 0));
        boolean cached = encodesWithCache();
        // a stream restored from a cached one's snapshot has kept no left context: its windows start where it has
        int earliest = (featureBase + s - 1) / s;
        int start = cached ? outputFramesDone : Math.max(earliest, outputFramesDone - spec.leftContextFrames());
        int fromFeature = s * start;
        // the cached encoder takes exactly the chunk's frames; a windowed call may carry the few trailing frames
        // that make no further output frame
        int toFeature = !cached && inputFinished && end == available ? total
                : s * (end - 1) + spec.receptiveField();
        float[][] slice = new float[toFeature - fromFeature][];
        for (int i = 0; i < slice.length; i++) {
            slice[i] = features.get(fromFeature - featureBase + i);
        }
        return new EncoderWindow(slice, start, end - outputFramesDone, cached);
    }

    /** End (exclusive, in output frames) of the next window to encode, or -1 when no window is ready. */
    private int nextWindowEnd() {
        // sherpa-onnx decodes a transducer's chunk once a frame beyond it is ready
        int available = spec.outputFramesAvailable(featureFramesTotal() - (spec.wholeChunksOnly() ? 1 : 0));
        if (available - outputFramesDone >= spec.chunkFrames()) {
            return outputFramesDone + spec.chunkFrames();
        }
        return inputFinished && !spec.wholeChunksOnly() && available > outputFramesDone ? available : -1;
    }

    /** After the family has given {@link #segment()} the window's output: framing, endpointing, search. */
    void windowDone(EncoderWindow window) {
        outputFramesDone += window.newOutputFrames();
        windowsAtLevel++;
        trimFeatures();
        checkEndpoint();
        segment.afterWindow();
    }

    private void trimFeatures() {
        int keepFrom = spec.subsampling() * Math.max(0, outputFramesDone - spec.featureContextFrames());
        int drop = keepFrom - featureBase;
        if (drop > 0) {
            features.subList(0, drop).clear();
            featureBase = keepFrom;
        }
    }

    private void checkEndpoint() {
        double frameSec = spec.frameSeconds();
        int length = segment.frames();
        int[] frames = segment.partial().tokenFrames();
        int lastToken = frames.length == 0 ? -1 : frames[frames.length - 1];
        int trailing = length - 1 - lastToken;
        boolean exhausted = inputFinished && nextWindow() == null;
        if (frames.length == 0) {
            // Leading silence: keep the segment short instead of carrying it into the utterance.
            int keep = spec.endpoint().leadingSilenceKeepFrames(frameSec);
            if (!exhausted && length > 2 * keep) {
                int drop = length - keep;
                segment.dropLeading(drop);
                segmentStartFrame += drop;
                resetCache();
            } else if (exhausted) {
                segmentStartFrame += length;
                segment.clearSegment();
            }
            return;
        }
        EndpointRules rules = spec.endpoint();
        if (pendingVariant != null && spec.adaptive().isCheaper(pendingVariant, variant)) {
            // under load: end the segment sooner, so that the stream reaches the cheaper level sooner
            rules = rules.atMost(AdaptiveRouting.SWITCH_PAUSE_SECONDS, AdaptiveRouting.SWITCH_MAX_SEGMENT_SECONDS);
        }
        if (rules.isEndpoint(length, trailing, frameSec) || exhausted) {
            closeSegment();
        }
    }

    private void closeSegment() {
        double frameSec = spec.frameSeconds();
        CtcHypothesis hyp = segment.finish();
        int length = segment.frames();
        double offset = segmentStartFrame * frameSec;
        finals.add(new RecognitionResult(segmentIndex, hyp.text(), shift(hyp.words(), offset), true, offset,
                offset + length * frameSec, variant));
        segmentIndex++;
        segmentStartFrame += length;
        segment.clearSegment();
        resetCache();
    }

    private static List<WordInfo> shift(List<WordInfo> words, double offset) {
        List<WordInfo> out = new ArrayList<>(words.size());
        for (WordInfo w : words) {
            out.add(new WordInfo(w.word(), w.startSeconds() + offset, w.endSeconds() + offset, w.confidence()));
        }
        return out;
    }

    /** Moves every closed segment into {@code into}, in order. */
    public void drainFinals(List<RecognitionResult> into) {
        for (RecognitionResult r = finals.poll(); r != null; r = finals.poll()) {
            into.add(r);
        }
    }

    /** True while closed segments wait to be drained. */
    boolean hasFinals() {
        return !finals.isEmpty();
    }

    /** The open segment's current greedy hypothesis (empty text before any speech). */
    public RecognitionResult partial() {
        double frameSec = spec.frameSeconds();
        CtcHypothesis hyp = segment.partial();
        double offset = segmentStartFrame * frameSec;
        return new RecognitionResult(segmentIndex, hyp.text(), shift(hyp.words(), offset), false, offset,
                offset + segment.frames() * frameSec, variant);
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
        return outputFramesDone * spec.frameSeconds();
    }

    /**
     * Serializes the state ({@link SnapshotCodec}). Finals must be drained first, so that what a snapshot holds and
     * what was emitted never overlap.
     */
    public byte[] snapshot() {
        if (hasFinals()) {
            throw new IllegalStateException("drain finals with pollFinal() before taking a snapshot");
        }
        return SnapshotCodec.write(this);
    }
}
