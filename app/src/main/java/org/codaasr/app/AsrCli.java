package org.codaasr.app;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code asr} command: every user-facing entry point of the project hangs off it. */
@Command(name = "asr", mixinStandardHelpOptions = true, version = "coda-asr 0.1.0",
        description = "Streaming speech recognition on Kafka with a CoDA-routed conformer.",
        subcommands = {TranscribeCommand.class, EvalCommand.class, IngestCommand.class, StreamsCommand.class,
            BrokerCommand.class,
            DemoCommand.class, LiveViewCommand.class, ServeCommand.class, BenchCommand.class, ExplainCommand.class, TrainCommand.class, LmCommand.class,
            HelpCommand.class})
public final class AsrCli {

    /** Where library and diagnostic logging goes unless {@code --verbose} is given. */
    public static String logFile() {
        return System.getProperty(LOG_FILE_PROPERTY, defaultLogFile(new String[0], ProcessHandle.current().pid()));
    }

    static final String LOG_FILE_PROPERTY = "asr.log.file";

    /**
     * One log file per process ({@code coda-asr-<command>-<pid>.log} in the temporary directory): the parts run as
     * separate processes side by side (broker, streams, ingest, live view), and one shared file would be truncated
     * by each process that starts.
     */
    static String defaultLogFile(String[] args, long pid) {
        String command = "asr";
        for (String a : args) {
            if (!a.startsWith("-")) {
                command = a.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
                break;
            }
        }
        return java.nio.file.Path.of(System.getProperty("java.io.tmpdir"),
                "coda-asr-" + command + "-" + pid + ".log").toString();
    }

    @picocli.CommandLine.Option(names = "--verbose", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "also show the log (Kafka, ONNX Runtime, progress of the parts) on stderr; it always goes "
                    + "to ${sys:java.io.tmpdir}/coda-asr-<command>-<pid>.log")
    boolean verbose;

    public static void main(String[] args) {
        // read before anything logs: logging is configured on first use
        if (System.getProperty(LOG_FILE_PROPERTY) == null) {
            System.setProperty(LOG_FILE_PROPERTY, defaultLogFile(args, ProcessHandle.current().pid()));
        }
        if (java.util.Arrays.asList(args).contains("--verbose")) {
            System.setProperty("asr.console.level", "INFO");
            System.setProperty("asr.own.console.level", "OFF");
        }
        int code = commandLine().execute(args);
        System.exit(code);
    }

    /** The command line as {@link #main} runs it: an error in a command is one line naming it, exit code 1. */
    static CommandLine commandLine() {
        return new CommandLine(new AsrCli())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    cmd.getErr().println("error: " + ex.getMessage());
                    if (System.getenv("ASR_DEBUG") != null) {
                        ex.printStackTrace(cmd.getErr());
                    }
                    return 1;
                });
    }
}
