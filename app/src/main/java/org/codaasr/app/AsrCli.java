package org.codaasr.app;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code asr} command: every user-facing entry point of the project hangs off it. */
@Command(name = "asr", mixinStandardHelpOptions = true, version = "coda-asr 0.1.0",
        description = "Streaming speech recognition on Kafka with a CoDA-routed conformer.",
        subcommands = {TranscribeCommand.class, EvalCommand.class, IngestCommand.class, StreamsCommand.class,
            BrokerCommand.class,
            DemoCommand.class, LiveViewCommand.class, BenchCommand.class, ExplainCommand.class, TrainCommand.class, LmCommand.class,
            HelpCommand.class})
public final class AsrCli {

    /** Where library and diagnostic logging goes unless {@code --verbose} is given. */
    public static String logFile() {
        return System.getProperty("asr.log.file",
                java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "coda-asr.log").toString());
    }

    @picocli.CommandLine.Option(names = "--verbose", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "also show the log (Kafka, ONNX Runtime, progress of the parts) on stderr; it always goes "
                    + "to ${sys:java.io.tmpdir}/coda-asr.log")
    boolean verbose;

    public static void main(String[] args) {
        // read before anything logs: logging is configured on first use
        if (java.util.Arrays.asList(args).contains("--verbose")) {
            System.setProperty("asr.console.level", "INFO");
            System.setProperty("asr.own.console.level", "OFF");
        }
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
