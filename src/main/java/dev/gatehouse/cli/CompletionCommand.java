package dev.gatehouse.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse completion bash|zsh}: a completion script generated from the command definitions themselves, so
 * it never falls behind the commands and options.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Print a shell completion script for bash or zsh.",
        footer = {"", "bash, for the current shell or for good:",
                "  source <(gatehouse completion bash)",
                "  gatehouse completion bash | sudo tee /etc/bash_completion.d/gatehouse",
                "zsh (the same script, through zsh's bash completion emulation):",
                "  source <(gatehouse completion zsh)     # e.g. in ~/.zshrc"})
final class CompletionCommand implements Callable<Integer> {
    enum Shell { bash, zsh }

    @Parameters(index = "0", paramLabel = "SHELL", defaultValue = "bash",
            description = "bash or zsh (default: ${DEFAULT-VALUE})")
    Shell shell;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // One script for both: under zsh it loads zsh's bash completion emulation (bashcompinit) itself.
        PrintWriter out = spec.commandLine().getOut();
        out.print(AutoComplete.bash("gatehouse", spec.root().commandLine()));
        out.flush();
        return 0;
    }
}
