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
 * streams of its partition (with 8 streams over 4 partitions: 2), and its encoder batches stay tiny. All tasks of a
 * thread run one after another on that thread, so a thread-local batcher can safely collect the ready windows of all
 * of them and run them in one call. Decoding only advances {@link RecognizerStream} objects; each processor still
 * emits its own streams' results from its own context (at its next flush), so no task forwards records for another.
 */
final class ThreadBatcher {

    private static final ThreadLocal<ThreadBatcher> CURRENT = ThreadLocal.withInitial(ThreadBatcher::new);

    private final Map<Recognizer, Set<RecognizerStream>> pending = new IdentityHashMap<>();
    /** Streams whose own decoding threw, until their processor takes the failure. */
    private final Map<RecognizerStream, RuntimeException> failed = new IdentityHashMap<>();

    private ThreadBatcher() {}

    /** The batcher of the calling stream thread. */
    static ThreadBatcher current() {
        return CURRENT.get();
    }

    void add(Recognizer recognizer, RecognizerStream stream) {
        pending.computeIfAbsent(recognizer, r -> new LinkedHashSet<>()).add(stream);
    }

    int size(Recognizer recognizer) {
        Set<RecognizerStream> p = pending.get(recognizer);
        return p == null ? 0 : p.size();
    }

    /** Forgets streams that are closed or move away with their task. */
    void remove(Recognizer recognizer, Collection<RecognizerStream> streams) {
        streams.forEach(failed::remove);
        Set<RecognizerStream> p = pending.get(recognizer);
        if (p != null) {
            p.removeAll(streams);
            if (p.isEmpty()) {
                pending.remove(recognizer);
            }
        }
    }

    /**
     * Decodes every pending stream of {@code recognizer}, at most {@code maxBatch} per encoder call. A batch that
     * throws is decoded again one stream at a time, so that one stream's failure stops only that stream: it is kept
     * for {@link #takeFailure} and the others go on.
     */
    void decode(Recognizer recognizer, int maxBatch) {
        Set<RecognizerStream> p = pending.remove(recognizer);
        if (p == null) {
            return;
        }
        List<RecognizerStream> all = new ArrayList<>(p);
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
