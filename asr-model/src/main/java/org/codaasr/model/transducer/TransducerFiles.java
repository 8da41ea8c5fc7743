package org.codaasr.model.transducer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.codaasr.model.AsrException;

/**
 * The files of a sherpa-onnx streaming transducer folder: {@code encoder*.onnx}, {@code decoder*.onnx},
 * {@code joiner*.onnx} (icefall names them e.g. {@code encoder-epoch-99-avg-1-chunk-16-left-128.onnx}, with
 * {@code .int8.onnx} copies beside them) and {@code tokens.txt}.
 */
public record TransducerFiles(Path encoder, Path decoder, Path joiner, Path tokens) {

    private static final List<String> PARTS = List.of("encoder", "decoder", "joiner");

    /** True for a folder that holds a transducer part and no {@code model.onnx}: it is read as a transducer. */
    public static boolean isTransducerFolder(Path dir) {
        if (!Files.isDirectory(dir) || Files.exists(dir.resolve("model.onnx"))) {
            return false;
        }
        for (String part : PARTS) {
            if (!candidates(dir, part).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The folder's files; the int8 copies where {@code int8} asks for them and they exist.
     *
     * @throws AsrException naming the folder and the part that is missing or ambiguous
     */
    public static TransducerFiles find(Path dir, boolean int8) {
        List<Path> found = new ArrayList<>();
        for (String part : PARTS) {
            found.add(pick(dir, part, int8));
        }
        Path tokens = dir.resolve("tokens.txt");
        if (!Files.isRegularFile(tokens)) {
            throw new AsrException("transducer folder " + dir + " has no tokens.txt: expected the model's token "
                    + "list (\"<piece> <id>\" per line, <blk> first) beside " + found.get(0).getFileName());
        }
        return new TransducerFiles(found.get(0), found.get(1), found.get(2), tokens);
    }

    private static Path pick(Path dir, String part, boolean int8) {
        List<Path> all = candidates(dir, part);
        List<Path> plain = all.stream().filter(p -> !p.getFileName().toString().endsWith(".int8.onnx")).toList();
        List<Path> quantized = all.stream().filter(p -> p.getFileName().toString().endsWith(".int8.onnx")).toList();
        List<Path> preferred = int8 && !quantized.isEmpty() ? quantized : plain.isEmpty() ? quantized : plain;
        if (preferred.isEmpty()) {
            throw new AsrException("transducer folder " + dir + " has no " + part + "*.onnx: a sherpa-onnx streaming "
                    + "transducer needs encoder*.onnx, decoder*.onnx and joiner*.onnx beside tokens.txt");
        }
        if (preferred.size() > 1) {
            throw new AsrException("transducer folder " + dir + " has " + preferred.size() + " " + part
                    + " files " + preferred.stream().map(p -> p.getFileName().toString()).toList()
                    + ": expected one (move the others away)");
        }
        return preferred.get(0);
    }

    private static List<Path> candidates(Path dir, String part) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith(part) && name.endsWith(".onnx") && Files.isRegularFile(p);
            }).sorted().toList();
        } catch (IOException e) {
            throw new AsrException("cannot list the model folder " + dir + ": " + e.getMessage(), e);
        }
    }
}
