package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatehouse completion}: the generated script completes commands and options in real bash and zsh. */
class CompletionIT {
    /** Calls the completion function as the shell would for the words given; prints the candidates, one a line. */
    private static final String PROBE = """
            source %s 2>/dev/null
            t() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
                  COMPREPLY=(); _complete_gatehouse gatehouse 2>/dev/null; echo "${COMPREPLY[*]}"; }
            t gatehouse ce
            t gatehouse run --con
            t gatehouse certs re
            t gatehouse completion ''
            """;

    @TempDir
    Path dir;

    @Test
    void bashCompletesCommandsSubcommandsAndOptions() throws Exception {
        Path script = script("bash");

        List<String> lines = run("/bin/bash", List.of("/bin/bash", "--norc", "-c", PROBE.formatted(script)));

        assertThat(lines).containsExactly("certs", "--config", "renew", "bash zsh");
    }

    @Test
    void zshLoadsTheSameScriptThroughItsBashEmulation() throws Exception {
        Path script = script("zsh");

        // zsh filters the candidates by what was typed itself (compadd), so the function offers the whole set.
        List<String> lines = run("/usr/bin/zsh", List.of("/usr/bin/zsh", "-f", "-c",
                "setopt ksharrays\n" + PROBE.formatted(script)));

        assertThat(lines).hasSize(4);
        assertThat(lines.get(0).split(" ")).contains("certs", "run", "completion").doesNotContain("--help");
        assertThat(lines.get(1).split(" ")).contains("--config", "-c", "--help");
        assertThat(lines.get(2).split(" ")).contains("renew");
        assertThat(lines.get(3)).isEqualTo("bash zsh");
    }

    private Path script(String shell) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(Main.execute(new PrintWriter(out), new PrintWriter(err), "completion", shell)).isZero();
        assertThat(out.toString()).contains("_complete_gatehouse");
        Path script = dir.resolve("gatehouse-" + shell + ".sh");
        Files.writeString(script, out.toString());
        return script;
    }

    private static List<String> run(String shell, List<String> command) throws Exception {
        assertThat(Files.isExecutable(Path.of(shell))).as(shell + " is missing: apt-get install -y "
                + Path.of(shell).getFileName()).isTrue();
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(shell + " finished").isTrue();
            assertThat(p.exitValue()).isZero();
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } finally {
            p.destroyForcibly();
        }
    }
}
