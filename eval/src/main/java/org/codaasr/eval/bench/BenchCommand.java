package org.codaasr.eval.bench;

import picocli.CommandLine.Command;

/** {@code asr bench}: performance benchmarks. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = CodaBenchCommand.class)
public final class BenchCommand {
}
