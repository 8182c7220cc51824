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
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code gatehouse explain} against a running instance (live health from real checks on loopback, through the admin
 * API) and from the file alone, through {@link Main#execute(PrintWriter, PrintWriter, String...)}.
 */
class ExplainIT {
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

    private String config() {
        return dir.resolve("gatehouse.yaml").toString();
    }

    /** A pool whose first target is down (checked unhealthy) and second is a real backend. */
    private int start() throws Exception {
        backend = TestBackend.echo("app");
        int admin = JarProcess.freePort();
        int dead = JarProcess.freePort();
        gh = TestGatehouse.start("""
                admin: { listen: "127.0.0.1:%d" }
                sites:
                  example.test:
                    routes:
                      - path: /api/*
                        upstream: app
                      - respond: { status: 418, body: "tea\\n" }
                upstreams:
                  app:
                    policy: first
                    targets: [127.0.0.1:%d, %s]
                    health: { path: /health, interval: 200ms, timeout: 200ms, healthy: 1, unhealthy: 1 }
                """.formatted(admin, dead, backend.address()), dir);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!gh.server().upstreams().pool("app").orElseThrow().status().targets().stream()
                .allMatch(t -> !t.health().equals("unknown")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return dead;
    }

    @Test
    void theRunningInstanceAnswersWithLiveHealthAndTheTargetItWouldPick() throws Exception {
        int dead = start();

        Result r = run("explain", "--config", config(), "--header", "Accept: text/plain", "http://example.test/api/users");

        assertThat(r.exit).as(r.toString()).isZero();
        assertThat(r.out).contains("config:      the running instance at http://127.0.0.1:",
                "live health, weights and certificates",
                "site:        example.test, by its exact name (" + config() + ":4)",
                "  #1 " + config() + ":6  path: /api/*   <- matches",
                "action:      upstream app (" + config() + ":7)",
                "would go to " + backend.address() + " now")
                .containsPattern("127\\.0\\.0\\.1:" + dead + "\\s+weight 100\\s+unhealthy\\s+0 in flight  not usable: unhealthy")
                .containsPattern(backend.address().replace(".", "\\.") + "\\s+weight 100\\s+healthy\\s+0 in flight  usable, 100%")
                .contains("outcome:     forwarded: the upstream's answer is relayed");
        assertThat(gh.server().upstreams().pool("app").orElseThrow().status().targets())
                .allSatisfy(t -> assertThat(t.requests()).as("nothing was proxied").isZero());
    }

    @Test
    void aRequestNoRouteServesExitsOneAndOfflineSaysItReadTheFile() throws Exception {
        start();

        Result teapot = run("explain", "--config", config(), "--method", "POST", "http://example.test/other");
        assertThat(teapot.exit).as("418 is Gatehouse's own 4xx: a refusal").isEqualTo(1);
        assertThat(teapot.out).contains("does not match: path: /other is not /api/*",
                "outcome:     418: a fixed answer: 418 with 4 bytes");

        Result unknown = run("explain", "--config", config(), "http://nowhere.test/");
        assertThat(unknown.exit).isEqualTo(1);
        assertThat(unknown.out).contains("no site is named nowhere.test", "outcome:     404: no site serves nowhere.test");

        Result offline = run("explain", "--config", config(), "--offline", "http://example.test/api/x");
        assertThat(offline.exit).isZero();
        assertThat(offline.out).contains("config:      the file " + config() + " (no running instance asked",
                "health: not known from a file");
    }

    @Test
    void withoutARunningInstanceTheFileIsExplainedAndBadInputExitsTwo() throws Exception {
        Files.writeString(dir.resolve("gatehouse.yaml"), """
                listen: { http: %d, https: off }
                admin: { listen: "127.0.0.1:%d" }
                sites:
                  example.test: { respond: 204 }
                """.formatted(JarProcess.freePort(), JarProcess.freePort()));

        Result r = run("explain", "--config", config(), "http://example.test/");
        assertThat(r.exit).as(r.toString()).isZero();
        assertThat(r.out).contains("the file " + config(), "outcome:     204: a fixed answer: 204 with 0 bytes");

        Result https = run("explain", "--config", config(), "https://example.test/");
        assertThat(https.exit).isEqualTo(1);
        assertThat(https.out).contains("outcome:     refused: listen.https is off");

        Result badUrl = run("explain", "--config", config(), "ftp://example.test/");
        assertThat(badUrl.exit).isEqualTo(2);
        assertThat(badUrl.err).contains("explain: \"ftp://example.test/\": scheme ftp (expected: http or https)");

        Result badClient = run("explain", "--config", config(), "--client", "example.org", "http://example.test/");
        assertThat(badClient.exit).isEqualTo(2);
        assertThat(badClient.err).contains("client \"example.org\" is not an IP address");

        Files.writeString(dir.resolve("gatehouse.yaml"), "sites:\n  example.test: { respon: 204 }\n");
        Result invalid = run("explain", "--config", config(), "http://example.test/");
        assertThat(invalid.exit).isEqualTo(2);
        assertThat(invalid.err).contains(config() + ":2:", "unknown key \"respon\"");

        Result unreachable = run("explain", "--config", config(), "--admin", "127.0.0.1:" + JarProcess.freePort(),
                "http://example.test/");
        assertThat(unreachable.exit).isEqualTo(2);
        assertThat(unreachable.err).contains("no Gatehouse answers at", "is Gatehouse running?");
    }
}
