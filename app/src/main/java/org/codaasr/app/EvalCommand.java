package org.codaasr.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.codaasr.eval.EvalReport;
import org.codaasr.eval.LibriSpeechEvaluator;
import org.codaasr.model.corpus.AudioItem;
import org.codaasr.model.corpus.LibriSpeechSource;
import org.codaasr.model.recognizer.Recognizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code asr eval librispeech DIR}: corpus WER, per-speaker WER and real-time factor. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Offline evaluation.",
        subcommands = EvalCommand.LibriSpeech.class)
public final class EvalCommand {

    @Command(name = "librispeech", mixinStandardHelpOptions = true,
            description = "Transcribe a LibriSpeech-layout tree and print an sclite-style summary.")
    static final class LibriSpeech implements Callable<Integer> {

        @Mixin
        ModelOptions model;

        @Parameters(index = "0", paramLabel = "DIR", description = "LibriSpeech split folder, e.g. the dev set"
                + " <data folder>/librispeech/LibriSpeech/test-other or the shipped demo-data/LibriSpeech/test-other")
        Path root;

        @Option(names = "--json", description = "print the figures as one JSON object instead of the table")
        boolean json;

        @Option(names = "--alignments", paramLabel = "FILE", description = "write per-utterance REF/HYP alignments")
        Path alignments;

        @Option(names = "--hypotheses", paramLabel = "FILE", description = "write '<id> <HYP>' lines")
        Path hypotheses;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "only the first N utterances")
        int limit;

        @Option(names = "--streaming",
                description = "decode as live streams (chunked encoder, endpointing), as the Kafka pipeline does")
        boolean streaming;

        @Option(names = "--card", description = "record the corpus WER in the model folder's model-card.json "
                + "(java_dev_wer, keyed by the decoding), where the documents take it from; the whole set, no --limit")
        boolean card;

        @Option(names = {"-v", "--per-utterance"}, description = "print each utterance's REF/HYP as it is scored")
        boolean verbose;

        @Override
        public Integer call() throws Exception {
            if (card && limit > 0) {
                throw new IllegalArgumentException("--card records figures of the whole set; drop --limit");
            }
            String cardKey = card ? ModelCard.figureKey(model.toConfig(), streaming, model.usesDefaultLm()) : null;
            List<AudioItem> utterances = LibriSpeechSource.items(root);
            if (limit > 0 && limit < utterances.size()) {
                utterances = utterances.subList(0, limit);
            }
            EvalReport report;
            try (Recognizer recognizer = Recognizer.load(model.toConfig())) {
                String modelName = model.toConfig().modelFile().toString();
                report = new LibriSpeechEvaluator(recognizer, streaming).evaluate(utterances, modelName,
                        model.describeDecoding() + (streaming ? ", streaming" : ", offline"), r -> {
                            if (verbose) {
                                System.err.printf("%s  WER %.1f%%%n  REF: %s%n  HYP: %s%n", r.id(),
                                        100 * r.wer().wer(), r.reference(), r.hypothesis());
                            }
                        });
            }
            if (alignments != null) {
                LibriSpeechEvaluator.writeAlignments(report, alignments);
            }
            if (hypotheses != null) {
                LibriSpeechEvaluator.writeHypotheses(report, hypotheses);
            }
            if (card) {
                ModelCard.recordWer(model.toConfig().modelDir(), cardKey, report.wer());
                System.err.printf("recorded %s = %.2f %% in %s%n", cardKey, report.wer(),
                        model.toConfig().modelDir().resolve(ModelCard.FILE));
            }
            if (json) {
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(toJson(report)));
            } else {
                System.out.print(report.summary());
            }
            return 0;
        }

        static Map<String, Object> toJson(EvalReport r) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", r.model());
            m.put("decoding", r.decoding());
            m.put("utterances", r.utterances());
            m.put("words", r.words());
            m.put("correct", r.correct());
            m.put("substitutions", r.substitutions());
            m.put("deletions", r.deletions());
            m.put("insertions", r.insertions());
            m.put("wer", r.wer());
            m.put("rtf", r.rtf());
            m.put("audio_seconds", r.audioSeconds());
            m.put("processing_seconds", r.processingSeconds());
            m.put("speakers", r.speakers());
            return m;
        }
    }
}
