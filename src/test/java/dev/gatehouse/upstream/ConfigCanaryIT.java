package dev.gatehouse.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.config.ReloadResult;
import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Canary deploys done by editing the file, against real backends: the file's {@code canary:} starts with the server
 * and with a reload that adds or changes it, is left alone by reloads that do not touch it, and stops when a reload
 * removes it; a bad one is refused with its position while the running one goes on.
 */
@Timeout(120)
class ConfigCanaryIT {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static String config(String pool) {
        return """
                admin: { listen: "127.0.0.1:0" }
                sites:
                  app.test: { upstream: app }
                upstreams:
                  app:
                """ + pool.indent(4);
    }

    @Test
    void aBrokenCanaryFromTheFileIsRolledBackAndAFixedOneIsPromotedThenTheFileFinishesTheDeploy() throws Exception {
        try (LogCapture log = LogCapture.of("dev.gatehouse.server");
             TestBackend old = TestBackend.echo("old");
             TestBackend broken = TestBackend.start("broken", ex -> Backends.reply(ex, 500, "broken"));
             TestBackend fresh = TestBackend.echo("fresh");
             TestGatehouse gh = TestGatehouse.start(config("""
                     targets: [%s]
                     canary: { address: %s, steps: [50, 100], min_requests: 20 }
                     """.formatted(old.address(), broken.address())), dir)) {
            String started = admin(gh, "GET", "/upstreams/app/canary").body();
            assertThat(started).contains("\"state\":\"running\"", "\"source\":\"config\"", "\"percent\":50",
                    "\"address\":\"" + broken.address() + "\"");

            for (int i = 0; i < 400 && state(gh).equals("running"); i++) {
                get(gh);
            }
            assertThat(admin(gh, "GET", "/upstreams/app/canary").body()).contains("\"state\":\"rolled_back\"")
                    .containsPattern("\"reason\":\"error rate 100.00% over max_error_rate 1.00% after 2\\d requests");

            // A reload that leaves canary: as it was does not start it again.
            gh.rewrite(config("""
                    targets: [%s]
                    canary: { address: %s, steps: [50, 100], min_requests: 20 }
                    retries: { attempts: 1 }
                    """.formatted(old.address(), broken.address())));
            reload(gh, log, "upstream \"app\": retries changed");
            assertThat(state(gh)).isEqualTo("rolled_back");

            // The fixed version, at another address: a new canary that passes its steps.
            gh.rewrite(config("""
                    targets: [%s]
                    canary: { address: %s, steps: [30, 100], interval: 1s, max_p99: 2s, min_requests: 10 }
                    retries: { attempts: 1 }
                    """.formatted(old.address(), fresh.address())));
            reload(gh, log, "upstream \"app\": canary " + broken.address() + " replaced by " + fresh.address()
                    + " (starts at 30%)");
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (state(gh).equals("running") && System.nanoTime() < deadline) {
                assertThat(get(gh)).isEqualTo(200);
            }
            assertThat(admin(gh, "GET", "/upstreams/app/canary").body()).contains("\"state\":\"promoted\"",
                    "\"source\":\"config\"");
            int oldBefore = old.requestCount();
            for (int i = 0; i < 10; i++) {
                assertThat(get(gh)).isEqualTo(200);
            }
            assertThat(old.requestCount()).as("the old target is parked").isEqualTo(oldBefore);

            // The file finishes the deploy: the new version in targets, canary: gone.
            gh.rewrite(config("""
                    targets: [%s]
                    retries: { attempts: 1 }
                    """.formatted(fresh.address())));
            reload(gh, log, "upstream \"app\": canary " + fresh.address() + " removed (stopped: rolled back if running)");
            assertThat(admin(gh, "GET", "/upstreams/app/canary").statusCode()).isEqualTo(404);
            String pool = admin(gh, "GET", "/upstreams/app").body();
            assertThat(pool).contains("\"address\":\"" + fresh.address() + "\",\"weight\":100");
            assertThat(pool).doesNotContainPattern("\"address\":\"" + old.address() + "\"[^}]*\"draining\":false");
            int freshBefore = fresh.requestCount();
            for (int i = 0; i < 10; i++) {
                assertThat(get(gh)).isEqualTo(200);
            }
            assertThat(fresh.requestCount() - freshBefore).isEqualTo(10);
        }
    }

    @Test
    void aReloadThatRemovesARunningCanaryRollsItBackAndABadOneIsRefusedWithItsPosition() throws Exception {
        try (LogCapture log = LogCapture.of("dev.gatehouse.server");
             TestBackend old = TestBackend.echo("old");
             TestBackend fresh = TestBackend.echo("fresh");
             TestGatehouse gh = TestGatehouse.start(config("targets: [" + old.address() + "]"), dir)) {
            assertThat(admin(gh, "GET", "/upstreams/app/canary").statusCode()).isEqualTo(404);

            gh.rewrite(config("""
                    targets: [%s]
                    canary: { address: %s, steps: [50, 100] }
                    """.formatted(old.address(), fresh.address())));
            reload(gh, log, "upstream \"app\": canary " + fresh.address() + " added (starts at 50%)");
            assertThat(admin(gh, "GET", "/upstreams/app/canary").body()).contains("\"state\":\"running\"",
                    "\"interval\":\"1m\"", "\"min_requests\":100", "\"max_error_rate\":\"1%\"", "\"max_p99\":null");
            for (int i = 0; i < 40; i++) {
                assertThat(get(gh)).isEqualTo(200);
            }
            assertThat(fresh.requestCount()).as("the canary's share").isBetween(5, 35);

            String bad = "canary: { address: " + fresh.address() + ", steps: [50, 10] }";
            gh.rewrite(config("targets: [" + old.address() + "]\n" + bad));
            ReloadResult refused = gh.server().reload();
            assertThat(refused.applied()).isFalse();
            int column = 4 + bad.indexOf("10]") + 1; // the pool's keys are indented by 4
            assertThat(refused.errors()).singleElement().asString().endsWith("gatehouse.yaml:8:" + column + ": "
                    + "upstreams.app.canary.steps[1]: 10 after 50 does not rise (expected: rising percentages in "
                    + "1..100, like [10, 50, 100])");
            assertThat(state(gh)).as("the running canary goes on").isEqualTo("running");

            gh.rewrite(config("targets: [" + old.address() + "]"));
            reload(gh, log, "upstream \"app\": canary " + fresh.address() + " removed (stopped: rolled back if running)");
            assertThat(admin(gh, "GET", "/upstreams/app/canary").body()).contains("\"state\":\"rolled_back\"",
                    "\"reason\":\"removed from the config\"", "\"percent\":0");
            int freshBefore = fresh.requestCount();
            for (int i = 0; i < 20; i++) {
                assertThat(get(gh)).isEqualTo(200);
            }
            assertThat(fresh.requestCount()).as("no request to the rolled-back canary").isEqualTo(freshBefore);
        }
    }

    /**
     * Reloads now and checks the change in the reload's log line: the file watch may have applied the new file
     * first, and then this reload finds nothing new.
     */
    private static void reload(TestGatehouse gh, LogCapture log, String change) throws InterruptedException {
        ReloadResult r = gh.server().reload();
        assertThat(r.applied()).as("errors: %s", r.errors()).isTrue();
        assertThat(log.await(l -> l.contains("config reloaded") && l.contains(change), LIMIT)).isNotNull();
    }

    private static String state(TestGatehouse gh) throws Exception {
        Matcher m = Pattern.compile("\"state\":\"(\\w+)\"").matcher(admin(gh, "GET", "/upstreams/app/canary").body());
        return m.find() ? m.group(1) : "none";
    }

    private static int get(TestGatehouse gh) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(gh.uri("/")).header("Host", "app.test")
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static HttpResponse<String> admin(TestGatehouse gh, String method, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gh.server().adminPort() + path))
                .timeout(Duration.ofSeconds(20)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
