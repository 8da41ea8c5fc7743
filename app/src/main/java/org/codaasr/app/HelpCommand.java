package org.codaasr.app;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.IHelpCommandInitializable2;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code asr help [COMMAND...]}: the help of any command, nested ones too ({@code asr help bench pipeline}). */
@Command(name = "help", helpCommand = true, description = "Show the help of a command, e.g. asr help bench pipeline.")
public final class HelpCommand implements Runnable, IHelpCommandInitializable2 {

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "the command, and its subcommands")
    List<String> path = new ArrayList<>();

    private CommandLine self;
    private Help.ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, Help.ColorScheme colorScheme, PrintWriter outWriter,
            PrintWriter errWriter) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = outWriter;
    }

    @Override
    public void run() {
        CommandLine target = self.getParent();
        for (String name : path) {
            CommandLine sub = target.getSubcommands().get(name);
            if (sub == null) {
                throw new ParameterException(self, "unknown command '" + name + "' under '"
                        + target.getCommandSpec().qualifiedName() + "'; expected one of "
                        + target.getSubcommands().keySet());
            }
            target = sub;
        }
        target.usage(out, colors);
        out.flush();
    }
}
