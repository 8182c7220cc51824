package dev.gatehouse.cli;

import dev.gatehouse.testing.JarProcess;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code gatehouse status}, {@code reload}, {@code certs} and {@code certs renew} against a running instance's admin
 * API (an in-process server on loopback), through {@link Main#execute(PrintWriter, PrintWriter, String...)}.
 */
class AdminCliIT {
    private static final String TOKEN = "cli-test-token-0123456789abcdef";

    @TempDir
    Path dir;

    private TestGatehouse gh;
    private TestBackend backend;

    @AfterEach
    void stop() {
        if (gh != null) {
            gh.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(exit, out.toString(), err.toString());
    }

    private Path config() {
        return dir.resolve("gatehouse.yaml");
    }

    /** Plain HTTP, one pool with a real backend, the admin API on a fixed free port (so the CLI can find it). */
    private int startPlain(String adminExtra) throws Exception {
        backend = TestBackend.echo("app");
        int port = JarProcess.freePort();
        gh = TestGatehouse.start("""
                admin: { listen: "127.0.0.1:%d"%s }
                sites:
                  example.test: { upstream: app }
                upstreams:
                  app: { targets: [ %s ] }
                """.formatted(port, adminExtra, backend.address()), dir);
        return port;
    }

    @Test
    void statusPrintsListenersPoolsCertificatesAndErrors() throws Exception {
        int port = startPlain("");

        Result r = run("status", "--config", config().toString());

        assertThat(r.exit).as(r.toString()).isZero();
        assertThat(r.out).containsPattern("^gatehouse \\S+, up \\d+s \\(since \\S+\\)")
                .contains("config:       " + config().toAbsolutePath())
                .contains("listeners:    http 127.0.0.1:" + gh.port())
                .contains("admin:        http://127.0.0.1:" + port + "/")
                .contains("sites:        1")
                .containsPattern("app\\s+1 targets: 0 healthy, 0 unhealthy, 1 unknown; 0 in flight, 0 requests")
                .contains("certificates: 1, none near expiry or failing");
    }

    @Test
    void statusListsTheSitesWithTheirCertificateState() throws Exception {
        int port = JarProcess.freePort();
        // The ACME directory refuses connections: that site's order fails and the error shows.
        gh = TestGatehouse.startListening("{ http: 0, https: 0, address: 127.0.0.1 }", """
                admin: { listen: "127.0.0.1:%d" }
                acme: { directory: "https://127.0.0.1:1/directory" }
                sites:
                  localhost: { respond: { body: hi } }
                  app.example.com: { respond: { body: hi } }
                """.formatted(port), dir);

        Result r = run("status", "--config", config().toString());
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (!r.out.contains("last error") && System.nanoTime() < deadline) {
            Thread.sleep(200);
            r = run("status", "--config", config().toString());
        }

        assertThat(r.exit).as(r.toString()).isZero();
        assertThat(r.out).contains("sites:        2")
                .containsPattern("(?m)^  localhost\\s+auto\\s+ok: expires in \\d+ days \\(\\S+\\), issuer Gatehouse")
                .containsPattern("(?m)^  app\\.example\\.com\\s+auto\\s+no certificate yet; last error: .+");
    }

    @Test
    void statusSaysWhatIsMissingWhenItCannotAsk() throws Exception {
        Files.writeString(config(), "sites:\n  example.test: { respond: 204 }\n");
        Result noAdmin = run("status", "--config", config().toString());
        assertThat(noAdmin.exit).isEqualTo(1);
        assertThat(noAdmin.err).contains(config() + " has no admin section", "--admin URL");

        int free = JarProcess.freePort();
        Files.writeString(config(), "admin: { listen: \"127.0.0.1:" + free + "\" }\nsites:\n  example.test: { respond: 204 }\n");
        Result notRunning = run("status", "--config", config().toString());
        assertThat(notRunning.exit).isEqualTo(1);
        assertThat(notRunning.err).contains("status: no Gatehouse answers at http://127.0.0.1:" + free + "/",
                "is Gatehouse running?");
    }

    @Test
    void cachePurgeGoesThroughTheRunningInstance() throws Exception {
        startPlain("");
        Result url = run("cache", "purge", "http://example.test/page", "--config", config().toString());
        assertThat(url.exit).as(url.toString()).isZero();
        assertThat(url.out).isEqualTo("purged 0 URLs" + System.lineSeparator());
        assertThat(run("cache", "purge", "--tag", "red", "--config", config().toString()).exit).isZero();
        assertThat(run("cache", "purge", "--prefix", "https://example.test/blog/", "--config", config().toString())
                .exit).isZero();
        Result bad = run("cache", "purge", "/relative", "--config", config().toString());
        assertThat(bad.exit).isEqualTo(1);
        assertThat(bad.err).contains("purge refused").contains("is not an absolute http or https URL");
        Result both = run("cache", "purge", "http://example.test/", "--tag", "x", "--config", config().toString());
        assertThat(both.exit).isEqualTo(2);
    }

    @Test
    void reloadPrintsChangesOrEveryErrorWithItsPositionAndExits1() throws Exception {
        startPlain("");

        Result ok = run("reload", "--config", config().toString());
        assertThat(ok.exit).as(ok.toString()).isZero();
        assertThat(ok.out).startsWith("reloaded: ");

        String good = Files.readString(config());
        Files.writeString(config(), good.replace("{ upstream: app }", "{ upstrem: app }"));
        Result refused = run("reload", "--config", config().toString());
        assertThat(refused.exit).isEqualTo(1);
        assertThat(refused.err).contains("reload refused: the config file has ", "the running config keeps serving")
                .contains(config() + ":4:19: sites.\"example.test\": unknown key \"upstrem\"");
    }

    @Test
    void theTokenComesFromTheConfigOrTheCommandLine() throws Exception {
        int port = startPlain(", token: " + TOKEN);
        String url = "http://127.0.0.1:" + port;

        Result without = run("status", "--admin", url, "--config", dir.resolve("none.yaml").toString());
        assertThat(without.exit).isEqualTo(1);
        assertThat(without.err).contains("status: this admin API needs a token", "give --token TOKEN or set "
                + AdminOptions.TOKEN_ENV);

        assertThat(run("status", "--admin", url + "/", "--token", TOKEN).exit).isZero();
        assertThat(run("status", "--admin", "127.0.0.1:" + port, "--token", TOKEN).exit).isZero();
        Result bad = run("status", "--admin", "ftp://127.0.0.1:" + port);
        assertThat(bad.exit).isEqualTo(2);
        assertThat(bad.err).contains("--admin ftp://127.0.0.1:" + port + ": not an http URL (expected: like "
                + "http://127.0.0.1:2019)");
        Result fromConfig = run("status", "--config", config().toString());
        assertThat(fromConfig.exit).as(fromConfig.toString()).isZero();
    }

    @Test
    void certsAndRenewGoThroughTheRunningInstance() throws Exception {
        int port = JarProcess.freePort();
        gh = TestGatehouse.startListening("{ http: 0, https: 0, address: 127.0.0.1 }", """
                admin: { listen: "127.0.0.1:%d" }
                sites:
                  app.localhost: { respond: 204 }
                """.formatted(port), dir);

        Result certs = run("certs", "--config", config().toString());
        assertThat(certs.exit).as(certs.toString()).isZero();
        assertThat(certs.out).startsWith("instance: http://127.0.0.1:" + port + "/")
                .containsPattern("app\\.localhost\\s+internal\\s+Gatehouse Local CA \\S+\\s+\\S+ \\S+ \\(6 days\\)");

        Result renew = run("certs", "renew", "app.localhost", "--wait=20", "--config", config().toString());
        assertThat(renew.exit).as(renew.toString()).isZero();
        assertThat(renew.out).contains("app.localhost: renewal started by the running Gatehouse")
                .containsPattern("app.localhost: renewed by Gatehouse Local CA \\S+, valid until");
        assertThat(dir.resolve("data/requests/renew")).as("no marker file: the API was used").doesNotExist();

        Result explicit = run("certs", "renew", "app.localhost", "--admin", "http://127.0.0.1:" + port,
                "--config", config().toString());
        assertThat(explicit.exit).as(explicit.toString()).isZero();
    }

    @Test
    void certsReadStorageWhenNoInstanceAnswers() throws Exception {
        Files.writeString(config(), "admin: { listen: \"127.0.0.1:" + JarProcess.freePort() + "\" }\n"
                + "sites:\n  app.localhost: { respond: 204 }\n");

        Result r = run("certs", "--config", config().toString());

        assertThat(r.exit).as(r.toString()).isZero();
        assertThat(r.out).startsWith("storage: " + dir.resolve("data")).contains("app.localhost", "none yet");
    }

    @Test
    void theJarAsksTheInstanceOfTheGatehouseYamlInTheWorkingDirectory() throws Exception {
        int admin = JarProcess.freePort();
        Files.writeString(config(), """
                listen: { http: %d, https: off, address: 127.0.0.1 }
                admin: { listen: "127.0.0.1:%d" }
                sites:
                  example.test: { respond: 204 }
                """.formatted(JarProcess.freePort(), admin));
        try (JarProcess server = JarProcess.start(dir, "run")) {
            server.awaitListening(admin, java.time.Duration.ofSeconds(30));

            try (JarProcess status = JarProcess.start(dir, "status")) {
                assertThat(status.waitFor(java.time.Duration.ofSeconds(30))).as(status.stderr()).isZero();
                assertThat(status.stdout()).contains("admin:        http://127.0.0.1:" + admin + "/", "sites:        1");
            }
            try (JarProcess reload = JarProcess.start(dir, "reload")) {
                assertThat(reload.waitFor(java.time.Duration.ofSeconds(30))).as(reload.stderr()).isZero();
                assertThat(reload.stdout()).startsWith("reloaded: ");
            }
        }
    }
}
