package org.codaasr.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.codaasr.model.wer.WerResult;

/**
 * Corpus-level figures of an evaluation run. Corpus WER is total errors over total reference words (not a mean of
 * per-utterance rates); the real-time factor is processing time over audio time.
 */
public record EvalReport(String model, String decoding, int utterances, int words, int correct, int substitutions,
        int deletions, int insertions, double wer, double audioSeconds, double processingSeconds, double rtf,
        Map<String, SpeakerFigures> speakers, List<UtteranceResult> details) {

    /** Per-speaker subtotal. */
    public record SpeakerFigures(int utterances, int words, int correct, int substitutions, int deletions,
            int insertions, int errors, double wer, double rtf) {}

    public static EvalReport of(String model, String decoding, List<UtteranceResult> results) {
        int words = 0;
        int correct = 0;
        int subs = 0;
        int dels = 0;
        int ins = 0;
        double audio = 0;
        double processing = 0;
        Map<String, int[]> perSpeaker = new TreeMap<>();
        Map<String, double[]> timeBySpeaker = new TreeMap<>();
        for (UtteranceResult r : results) {
            WerResult w = r.wer();
            words += w.referenceWords();
            correct += w.correct();
            subs += w.substitutions();
            dels += w.deletions();
            ins += w.insertions();
            audio += r.audioSeconds();
            processing += r.processingSeconds();
            int[] s = perSpeaker.computeIfAbsent(r.speaker(), k -> new int[6]);
            s[0]++;
            s[1] += w.referenceWords();
            s[2] += w.correct();
            s[3] += w.substitutions();
            s[4] += w.deletions();
            s[5] += w.insertions();
            double[] t = timeBySpeaker.computeIfAbsent(r.speaker(), k -> new double[2]);
            t[0] += r.audioSeconds();
            t[1] += r.processingSeconds();
        }
        Map<String, SpeakerFigures> speakers = new LinkedHashMap<>();
        perSpeaker.forEach((k, v) -> {
            int errors = v[3] + v[4] + v[5];
            double[] t = timeBySpeaker.get(k);
            speakers.put(k, new SpeakerFigures(v[0], v[1], v[2], v[3], v[4], v[5], errors, percent(errors, v[1]),
                    t[0] == 0 ? 0 : t[1] / t[0]));
        });
        return new EvalReport(model, decoding, results.size(), words, correct, subs, dels, ins,
                percent(subs + dels + ins, words), audio, processing, audio == 0 ? 0 : processing / audio, speakers,
                List.copyOf(results));
    }

    private static double percent(int errors, int words) {
        return words == 0 ? 0 : 100.0 * errors / words;
    }

    public int errors() {
        return substitutions + deletions + insertions;
    }

    /** An sclite-like summary table. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("model     %s%n", model));
        sb.append(String.format("decoding  %s%n", decoding));
        sb.append(String.format("%-10s %6s %7s %7s %7s %7s %7s %8s %7s%n", "SPEAKER", "#Utt", "#Wrd", "Corr", "Sub",
                "Del", "Ins", "WER%", "RTF"));
        speakers.forEach((speaker, f) -> sb.append(String.format("%-10s %6d %7d %7d %7d %7d %7d %8.2f %7.4f%n",
                speaker, f.utterances(), f.words(), f.correct(), f.substitutions(), f.deletions(), f.insertions(),
                f.wer(), f.rtf())));
        sb.append(String.format("%-10s %6d %7d %7d %7d %7d %7d %8.2f %7.4f%n", "TOTAL", utterances, words, correct,
                substitutions, deletions, insertions, wer, rtf));
        sb.append(String.format("audio %.1f s, processing %.1f s%n", audioSeconds, processingSeconds));
        return sb.toString();
    }
}
