package org.codaasr.app.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.codaasr.ingest.AudioLoader;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.streams.PipelineMonitor;

/** What the pipeline benchmarks share: their loads, how they count completions and judge a real-time level. */
final class BenchLoad {

    private BenchLoad() {
    }

    /** {@code total} streams cycling through {@code items}, each with an id of its own ({@code <utterance>~tag~i}). */
    static List<AudioItem> repeated(List<AudioItem> items, int total, String tag) {
        List<AudioItem> load = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            AudioItem base = items.get(i % items.size());
            load.add(new AudioItem(base.utteranceId() + "~" + tag + "~" + i, base.speaker(), base.audio(),
                    base.referenceText()));
        }
        return load;
    }

    /** Audio decoded once up front: ingest then pays for sending only, like the direct path pays for decoding only. */
    static AudioLoader predecoded(Map<Path, float[]> decoded) {
        return path -> decoded.containsKey(path) ? decoded.get(path) : AudioLoader.decoder().load16k(path);
    }

    /** Streams among {@code ids} whose stream-complete record the monitor has seen. */
    static int completed(PipelineMonitor monitor, Set<String> ids) {
        int n = 0;
        for (String id : monitor.completed().keySet()) {
            if (ids.contains(id)) {
                n++;
            }
        }
        return n;
    }

    /** Median final latency of the second half of the finals minus that of the first: how far the lag grew. */
    static double lagGrowthMs(List<Long> finals) {
        int half = finals.size() / 2;
        return half == 0 ? 0 : PipelineMonitor.percentile(finals.subList(half, finals.size()), 50)
                - PipelineMonitor.percentile(finals.subList(0, half), 50);
    }

    /** Real time held: every stream completed, final p95 within the bound, and the lag grew by at most half of it. */
    static boolean held(int completed, int total, long finalP95Ms, double lagGrowthMs, double heldP95Ms) {
        return completed == total && finalP95Ms <= heldP95Ms && lagGrowthMs <= heldP95Ms / 2;
    }
}
