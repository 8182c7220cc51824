package dev.gatehouse.cli;

import dev.gatehouse.testing.JarProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line as a user runs it: {@code java -jar gatehouse.jar ...}, exit codes, stdout and stderr. */
class CliIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static final String GOOD = """
            listen: { http: %d, https: off, address: 127.0.0.1 }
            sites:
              app.example.test:
                upstream: app
            upstreams:
              app: { targets: [127.0.0.1:8000] }
            """;

    /** Five errors, one per line that the test expects, in file order. */
    private static final String BAD = """
            listen: { http: 70000, https: off }
            timeouts:
              connect: 5 parsecs
            sites:
              app.example.test:
                upstrem: app
              api.example.test:
                upstream: nope
              APP.example.test:
                upstream: app
            upstreams:
              app: { targets: [127.0.0.1:8000] }
            """;

    @Test
    void validateAcceptsAGoodFile() throws Exception {
        Path file = write("good.yaml", GOOD.formatted(8080));

        try (JarProcess p = JarProcess.start(dir, "validate", file.toString())) {
            assertThat(p.waitFor(LIMIT)).as("exit code; stderr: %s", p.stderr()).isZero();
            assertThat(p.stdout()).contains("good.yaml: valid (1 sites, 1 upstreams)");
            assertThat(p.stderr()).isEmpty();
        }
    }

    @Test
    void validatePrintsEveryErrorWithItsPosition() throws Exception {
        Path file = write("bad.yaml", BAD);

        try (JarProcess p = JarProcess.start(dir, "validate", file.toString())) {
            int exit = p.waitFor(LIMIT);
            List<String> lines = p.stderr().lines().toList();

            assertThat(exit).isNotZero();
            assertThat(p.stdout()).isEmpty();
            assertThat(lines).hasSize(6);
            assertThat(lines.subList(0, 5)).allSatisfy(line ->
                    assertThat(line).matches("\\Q" + file + "\\E:\\d+:\\d+: .+ \\(.+\\)"));
            assertThat(lines.get(0)).startsWith(file + ":1:17: ").contains("70000", "65535");
            assertThat(lines.get(1)).startsWith(file + ":3:12: ").contains("\"5 parsecs\" is not a duration",
                    "(expected: like 500ms");
            assertThat(lines.get(2)).startsWith(file + ":6:5: ").contains("unknown key \"upstrem\"")
                    .endsWith("(did you mean \"upstream\"?)");
            assertThat(lines.get(3)).startsWith(file + ":8:15: ").contains("unknown upstream \"nope\"")
                    .endsWith("(defined upstreams: app)");
            assertThat(lines.get(4)).startsWith(file + ":9:3: ").contains("duplicate site \"APP.example.test\"")
                    .endsWith("(first given at line 5)");
            assertThat(lines.get(5)).isEqualTo("5 errors");
        }
    }

    @Test
    void validateOfAMissingFileSaysSo() throws Exception {
        try (JarProcess p = JarProcess.start(dir, "validate", dir.resolve("missing.yaml").toString())) {
            assertThat(p.waitFor(LIMIT)).isNotZero();
            assertThat(p.stderr()).contains("missing.yaml:1:1: cannot read the config file: no such file");
        }
    }

    @Test
    void runWithABadConfigExitsNonZeroAndBindsNothing() throws Exception {
        int port = JarProcess.freePort();
        Path file = write("bad-run.yaml", GOOD.formatted(port).replace("upstream: app", "upstream: nope"));

        try (JarProcess p = JarProcess.start(dir, "run", "--config", file.toString())) {
            int exit = p.waitFor(LIMIT);

            assertThat(exit).isNotZero();
            assertThat(p.stderr()).contains(file + ":4:15: sites.\"app.example.test\".upstream: unknown upstream "
                    + "\"nope\"", "not started");
            assertThat(p.stderr()).doesNotContain("listening");
            assertThat(JarProcess.isFree(port)).as("port %d free", port).isTrue();
        }
    }

    @Test
    void runOnAPortInUseNamesTheListenerAndTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            Path file = write("busy.yaml", GOOD.formatted(taken.getLocalPort()));

            try (JarProcess p = JarProcess.start(dir, "run", "--config", file.toString())) {
                assertThat(p.waitFor(LIMIT)).as("stderr: %s", p.stderr()).isNotZero();
                assertThat(p.stderr()).contains("not started: listen.http 127.0.0.1:" + taken.getLocalPort()
                        + ": address already in use").doesNotContain("Exception", "bind(..)", "error(-98)");
            }
        }
    }

    @Test
    void aBusyHttpsPortFailsTheStartBeforeTheLocalCaIsMade() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            Path file = write("busy-https.yaml", """
                    listen: { http: %d, https: %d, address: 127.0.0.1 }
                    storage: ./data
                    sites:
                      localhost: { respond: 204 }
                    """.formatted(JarProcess.freePort(), taken.getLocalPort()));

            try (JarProcess p = JarProcess.start(dir, "run", "--config", file.toString())) {
                assertThat(p.waitFor(LIMIT)).as("stderr: %s", p.stderr()).isNotZero();
                assertThat(p.stderr()).contains("not started: listen.https 127.0.0.1:" + taken.getLocalPort()
                        + ": address already in use").doesNotContain("Exception");
            }
            assertThat(dir.resolve("data/local-ca")).as("no CA made for a server that cannot start").doesNotExist();
        }
    }

    @Test
    void aBusyAdminPortIsNamedToo() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int http = JarProcess.freePort();
            Path file = write("busy-admin.yaml", GOOD.formatted(http)
                    + "admin: { listen: \"127.0.0.1:" + taken.getLocalPort() + "\" }\n");

            try (JarProcess p = JarProcess.start(dir, "run", "--config", file.toString())) {
                assertThat(p.waitFor(LIMIT)).as("stderr: %s", p.stderr()).isNotZero();
                assertThat(p.stderr()).contains("not started: admin.listen 127.0.0.1:" + taken.getLocalPort()
                        + ": address already in use").doesNotContain("Exception");
            }
            assertThat(JarProcess.isFree(http)).as("the http listener bound first is closed again").isTrue();
        }
    }

    @Test
    void validateRejectsWhatCouldNotStart() throws Exception {
        Path file = write("unstartable.yaml", """
                listen: { http: 8080, https: 8443, address: 999.1.1.1 }
                sites:
                  a.test:
                    tls: { cert: a.pem, key: a.key }
                    respond: 204
                """);

        try (JarProcess p = JarProcess.start(dir, "validate", file.toString())) {
            assertThat(p.waitFor(LIMIT)).isNotZero();
            assertThat(p.stderr().lines()).containsExactly(
                    file + ":1:45: listen.address: \"999.1.1.1\" is not an IPv4 address: 999 is over 255 (expected: like "
                            + "0.0.0.0, :: or 127.0.0.1)",
                    file + ":4:18: sites.\"a.test\".tls.cert: no such file " + dir.resolve("a.pem") + " (expected: the "
                            + "site's certificate chain, a PEM file)",
                    file + ":4:30: sites.\"a.test\".tls.key: no such file " + dir.resolve("a.key") + " (expected: the "
                            + "site's private key, a PEM file)",
                    "3 errors");
        }
        Path clash = write("clash.yaml", GOOD.formatted(8080) + "admin: { listen: \"127.0.0.1:8080\" }\n");
        try (JarProcess p = JarProcess.start(dir, "validate", clash.toString())) {
            assertThat(p.waitFor(LIMIT)).isNotZero();
            assertThat(p.stderr()).startsWith(clash + ":7:18: admin.listen: port 8080 is also listen.http's port");
        }
    }

    @Test
    void helpListsTheCommands() throws Exception {
        try (JarProcess p = JarProcess.start(dir, "--help")) {
            assertThat(p.waitFor(LIMIT)).isZero();
            assertThat(p.stdout()).contains("Usage: gatehouse").containsPattern("(?m)^\\s+run\\s+\\S")
                    .containsPattern("(?m)^\\s+validate\\s+\\S")
                    .containsPattern("(?m)^\\s+status\\s+Show what the running Gatehouse is doing")
                    .containsPattern("(?m)^\\s+reload\\s+Make the running Gatehouse read its config file again");
        }
    }

    @Test
    void anUnknownCommandIsAUsageError() throws Exception {
        try (JarProcess p = JarProcess.start(dir, "serve")) {
            assertThat(p.waitFor(LIMIT)).isNotZero();
            assertThat(p.stderr()).contains("serve");
        }
    }

    private Path write(String name, String yaml) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, yaml);
        return file;
    }
}
