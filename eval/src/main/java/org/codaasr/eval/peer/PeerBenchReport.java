package org.codaasr.eval.peer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.codaasr.model.AsrException;

/** What {@code asr bench peer} measured, as Markdown and as JSON ({@code runs}: one object per configuration). */
public record PeerBenchReport(String model, String layout, int files, double audioSeconds, List<PeerRun> runs) {

    public PeerBenchReport {
        runs = List.copyOf(runs);
    }

    public String markdown() {
        StringBuilder md = new StringBuilder("# This project vs sherpa-onnx\n\n");
        md.append(String.format("Model `%s` (layout: %s), %d files, %.1f s of audio; greedy search, sherpa-onnx's front "
                + "end on both sides, sherpa-onnx-node %s; RTF = decoding seconds per audio second, the fastest "
                + "of the rounds after warm-up passes.%n%n", model, layout, files, audioSeconds, SherpaOnnxPeer.VERSION));
        md.append("| mode | threads | this RTF | sherpa-onnx RTF | this / sherpa-onnx | words compared | "
                + "words differing | sherpa-onnx's passes differing |\n"
                + "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (PeerRun r : runs) {
            md.append(String.format("| %s | %d | %.4f | %.4f | %.2fx | %d | %d (%.1f %%) | %d |%n", r.mode(),
                    r.threads(), r.thisRtf(), r.peerRtf(), r.ratio(), r.wordsCompared(), r.wordsDiffering(),
                    100 * r.differingShare(), r.peerSelfDiffering()));
        }
        return md.toString();
    }

    public String json() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("model", model);
        root.put("layout", layout);
        root.put("files", files);
        root.put("audio_seconds", audioSeconds);
        root.put("peer", "sherpa-onnx-node " + SherpaOnnxPeer.VERSION);
        ArrayNode list = root.putArray("runs");
        for (PeerRun r : runs) {
            ObjectNode n = list.addObject();
            n.put("mode", r.mode());
            n.put("threads", r.threads());
            n.put("this_rtf", r.thisRtf());
            n.put("peer_rtf", r.peerRtf());
            n.put("ratio", r.ratio());
            n.put("words_compared", r.wordsCompared());
            n.put("words_differing", r.wordsDiffering());
            n.put("peer_passes_words_differing", r.peerSelfDiffering());
        }
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new AsrException("cannot write the peer benchmark as JSON: " + e.getMessage(), e);
        }
    }

    public void writeJson(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, json());
        } catch (IOException e) {
            throw new AsrException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
