package org.codaasr.streams.recognition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.codaasr.model.onnx.ModelClosedException;
import org.codaasr.model.recognizer.Recognizer;
import org.codaasr.model.recognizer.RecognizerStream;

/**
 * Encoder work of every recognition task that runs on one stream thread, decoded in shared batches.
 *
 * <p>Kafka Streams gives each input partition its own task and processor, so a processor alone sees only the
 * streams of its partition (with 8 streams over 4 partitions: 2), and its encoder batches stay tiny. The recognition
 * topology owns one batcher per stream thread ({@link PerStreamThread}) and hands it to every processor of that
 * thread. The contract: a task {@link #add adds} its streams whose encoder window is ready; whichever task of the
 * thread flushes {@link #decode decodes} every pending stream of the thread, its own and the others', in batched
 * encoder calls. Decoding only advances {@link RecognizerStream} objects and never forwards a record: each task
 * emits its own streams' results from its own context at its own next flush, and takes the failure of a stream of
 * its own with {@link #takeFailure}. A task {@link #remove removes} its streams when it closes or drops them. All
 * tasks of a thread run one after another on it, so the batcher needs no locking.
 */
final class ThreadBatcher {

    private final Recognizer recognizer;
    private final int maxBatch;
    private final Set<RecognizerStream> pending = new LinkedHashSet<>();
    /** Streams whose own decoding threw, until their task takes the failure. */
    private final Map<RecognizerStream, RuntimeException> failed = new IdentityHashMap<>();

    ThreadBatcher(Recognizer recognizer, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        }
        this.recognizer = recognizer;
        this.maxBatch = maxBatch;
    }

    void add(RecognizerStream stream) {
        pending.add(stream);
    }

    /** Streams waiting for the next decode, from every task of the thread. */
    int size() {
        return pending.size();
    }

    boolean isFull() {
        return pending.size() >= maxBatch;
    }

    /** Forgets streams that are closed or move away with their task. */
    void remove(Collection<RecognizerStream> streams) {
        streams.forEach(failed::remove);
        pending.removeAll(streams);
    }

    /**
     * Decodes every pending stream, at most {@code maxBatch} per encoder call. A batch that throws is decoded again
     * one stream at a time, so that one stream's failure stops only that stream: it is kept for {@link #takeFailure}
     * and the others go on.
     */
    void decode() {
        if (pending.isEmpty()) {
            return;
        }
        List<RecognizerStream> all = new ArrayList<>(pending);
        pending.clear();
        for (int from = 0; from < all.size(); from += maxBatch) {
            List<RecognizerStream> batch = all.subList(from, Math.min(all.size(), from + maxBatch));
            try {
                recognizer.decode(batch);
            } catch (ModelClosedException e) {
                throw e;
            } catch (RuntimeException batchFailure) {
                for (RecognizerStream stream : batch) {
                    try {
                        recognizer.decode(stream);
                    } catch (ModelClosedException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        failed.put(stream, e);
                    }
                }
            }
        }
    }

    /** The exception that decoding {@code stream} alone threw, once; null when it did not fail. */
    RuntimeException takeFailure(RecognizerStream stream) {
        return failed.remove(stream);
    }
}
