package org.codaasr.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code asr train}: the training recipe (Python/PyTorch, training and export only) from data to exported ONNX. It
 * runs {@code asr-model/training/run.sh} with the given arguments, e.g. {@code asr train --cpu} or
 * {@code asr train --gpu}; see {@code asr-model/training/README.md}.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train and export the acoustic model: runs asr-model/training/run.sh [--cpu|--gpu] [...].")
public final class TrainCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "ARG", description = "arguments for run.sh (default: --cpu)")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        String home = System.getProperty("asr.home", ".");
        Path script = Path.of(home, "asr-model", "training", "run.sh");
        if (!Files.isRegularFile(script)) {
            System.err.println("error: expected the training recipe at " + script + ", but it is not there: it comes "
                    + "with the source tree (git clone), not with the binary distribution");
            return 2;
        }
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(args.isEmpty() ? List.of("--cpu") : args);
        Process p = new ProcessBuilder(command).inheritIO().start();
        return p.waitFor();
    }
}
