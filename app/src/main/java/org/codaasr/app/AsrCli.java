package org.codaasr.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code asr} command: every user-facing entry point of the project hangs off it. */
@Command(name = "asr", mixinStandardHelpOptions = true, version = "coda-asr 0.1.0",
        description = "Streaming speech recognition on Kafka with a CoDA-routed conformer.",
        subcommands = {TranscribeCommand.class, EvalCommand.class, IngestCommand.class, StreamsCommand.class,
            BrokerCommand.class,
            DemoCommand.class, LiveViewCommand.class, BenchCommand.class, ExplainCommand.class, TrainCommand.class, LmCommand.class,
            CommandLine.HelpCommand.class})
public final class AsrCli {

    public static void main(String[] args) {
        int code = new CommandLine(new AsrCli())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    cmd.getErr().println("error: " + ex.getMessage());
                    if (System.getenv("ASR_DEBUG") != null) {
                        ex.printStackTrace(cmd.getErr());
                    }
                    return 1;
                })
                .execute(args);
        System.exit(code);
    }
}
