package org.codaasr.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.codaasr.app.bench.ProfileBreakdown;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code asr bench profile FILE.jfr}: the CPU samples of a recording by pipeline part and thread group. */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = "Break a JFR recording (e.g. ASR_JAVA_OPTS=-XX:StartFlightRecording=filename=p.jfr,settings="
                + "profile ./asr bench pipeline ...) down by pipeline part and thread group, as Markdown.")
public final class ProfileBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "a .jfr recording")
    Path recording;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(recording)) {
            throw new ParameterException(spec.commandLine(), "no such recording: " + recording);
        }
        Map<String, Map<String, Long>> byGroup = ProfileBreakdown.byThreadGroup(recording);
        long all = byGroup.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
        System.out.printf(Locale.ROOT, "%d ms of sampled CPU in %s%n", all, recording.getFileName());
        for (Map.Entry<String, Map<String, Long>> group : byGroup.entrySet()) {
            long total = group.getValue().values().stream().mapToLong(Long::longValue).sum();
            System.out.printf(Locale.ROOT, "%n### %s: %d ms (%.1f %% of all)%n%n| part | ms | share |%n"
                    + "| --- | --- | --- |%n", group.getKey(), total, 100.0 * total / Math.max(1, all));
            group.getValue().entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> System.out.printf(Locale.ROOT, "| %s | %d | %.1f %% |%n", e.getKey(), e.getValue(),
                            100.0 * e.getValue() / Math.max(1, total)));
        }
        return 0;
    }
}
