package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --help} on every command, found by walking the command tree (a new command is covered by itself). */
class HelpTest {

    @Test
    void everyCommandAnswersHelpWithItsUsageAndExitsZero() {
        List<List<String>> paths = new ArrayList<>();
        walk(new CommandLine(new Main()), new ArrayList<>(), paths);
        assertThat(paths).as("commands found").extracting(p -> String.join(" ", p))
                .contains("run", "validate", "status", "reload", "certs", "certs renew", "import certbot",
                        "completion", "trust", "untrust");

        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();

            int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));

            assertThat(code).as("exit code of %s; stderr: %s", args, err).isZero();
            assertThat(out.toString()).as("help of %s", args)
                    .startsWith("Usage: gatehouse " + String.join(" ", path)).contains("-h, --help");
            assertThat(err.toString()).as("stderr of %s", args).isEmpty();
        }
    }

    private static void walk(CommandLine command, List<String> path, List<List<String>> out) {
        command.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help") || !sub.getCommandName().equals(name)) {
                return; // picocli's own help command, and aliases
            }
            List<String> next = new ArrayList<>(path);
            next.add(name);
            out.add(next);
            walk(sub, next, out);
        });
    }
}
