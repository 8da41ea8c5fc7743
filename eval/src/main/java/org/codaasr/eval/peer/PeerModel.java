package org.codaasr.eval.peer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.codaasr.model.AsrException;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.onnx.ModelInfo;
import org.codaasr.model.onnx.ModelLayout;
import org.codaasr.model.onnx.OnnxAcousticModel;
import org.codaasr.model.onnx.OnnxConfig;

/**
 * A model folder in a layout both sherpa-onnx's OfflineRecognizer and this project run: a WeNet or NeMo CTC folder as
 * it is, or this project's own export rewritten into the WeNet CTC layout by the recipe's
 * {@code asr-model/training/tools/export_wenet_layout.py} (Debian's python3 with the onnx package; the source tree).
 *
 * @param model  the ONNX file both decode
 * @param tokens its token list
 * @param layout which sherpa-onnx model config runs it
 */
public record PeerModel(Path model, Path tokens, PeerRequest.Layout layout) {

    static final Path EXPORT_TOOL = Path.of("asr-model", "training", "tools", "export_wenet_layout.py");
    static final String PYTHON = "/usr/bin/python3";

    /** The folder's model, exported into {@code workDir} first where it is in this project's layout. */
    public static PeerModel of(Path dir, Path workDir) {
        Path file = dir.resolve("model.onnx");
        if (!Files.isRegularFile(file)) {
            throw new AsrException("model folder " + dir + " has no model.onnx");
        }
        ModelInfo info;
        try (OnnxAcousticModel m = OnnxAcousticModel.load(file, OnnxConfig.defaults())) {
            info = m.info();
        }
        Path tokens = Files.isRegularFile(dir.resolve("tokens.txt")) ? dir.resolve("tokens.txt")
                : dir.resolve("units.txt");
        if (info.layout() == ModelLayout.WENET_CTC) {
            return new PeerModel(file, tokens, PeerRequest.Layout.WENET_CTC);
        }
        if (info.layout() == ModelLayout.NEMO_CTC) {
            return new PeerModel(file, tokens, PeerRequest.Layout.NEMO_CTC);
        }
        Path out = workDir.resolve("wenet-layout");
        exportToWenet(dir, out);
        return new PeerModel(out.resolve("model.onnx"), out.resolve("units.txt"), PeerRequest.Layout.WENET_CTC);
    }

    private static void exportToWenet(Path dir, Path out) {
        Path tool = DataSets.home().resolve(EXPORT_TOOL);
        if (!Files.isRegularFile(tool)) {
            throw new AsrException("this project's layout must be exported to WeNet's for sherpa-onnx by " + EXPORT_TOOL
                    + ", which is not at " + tool + " (it comes with the source tree, not the distribution); or give "
                    + "--model a folder in the WeNet or NeMo CTC layout");
        }
        try {
            Files.createDirectories(out);
            Path log = out.resolve("export.log");
            Process p = new ProcessBuilder(List.of(PYTHON, tool.toString(), "--model", dir.toString(), "--out",
                    out.toString())).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AsrException("exporting " + dir + " to the WeNet layout failed (" + PYTHON + " " + tool
                        + "; it needs Debian's python3-onnx): " + Files.readString(log, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new AsrException("cannot export " + dir + " to the WeNet layout in " + out + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AsrException("interrupted while exporting " + dir + " to the WeNet layout", e);
        }
    }
}
