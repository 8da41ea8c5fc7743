package org.codaasr.app;

import picocli.CommandLine.Command;

/** {@code asr bench}: performance benchmarks. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {CodaBenchCommand.class, PipelineBenchCommand.class, InstancesBenchCommand.class, SoakBenchCommand.class, ProfileBenchCommand.class,
                FaultsBenchCommand.class, PeerBenchCommand.class,
                BaselineCommand.class})
public final class BenchCommand {
}
