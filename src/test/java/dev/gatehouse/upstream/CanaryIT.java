package dev.gatehouse.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Canary deploys through the admin API against real backends: a canary answering 500 is rolled back with its reason
 * and drained; a healthy one passes every step and is promoted, the old target parked; 409 while one runs.
 */
@Timeout(120)
class CanaryIT {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static TestGatehouse start(TestBackend old) throws Exception {
        return TestGatehouse.start("""
                admin: { listen: "127.0.0.1:0" }
                sites:
                  app.test: { upstream: app }
                upstreams:
                  app: { targets: [ %s ] }
                """.formatted(old.address()));
    }

    @Test
    void aCanaryThatFailsIsRolledBackAtOnceWithItsReason() throws Exception {
        try (TestBackend old = TestBackend.echo("old");
             TestBackend broken = TestBackend.start("broken", ex -> Backends.reply(ex, 500, "broken"));
             LogCapture log = LogCapture.of("dev.gatehouse.upstream");
             TestGatehouse gh = start(old)) {
            HttpResponse<String> started = admin(gh, "POST", "/upstreams/app/canary", """
                    {"address": "%s", "steps": [50, 100], "interval": "1m", "min_requests": 20}"""
                    .formatted(broken.address()));
            assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
            assertThat(started.body()).contains("\"state\":\"running\"", "\"percent\":50", "\"max_error_rate\":\"1%\"");
            assertThat(admin(gh, "POST", "/upstreams/app/canary", "{\"address\": \"127.0.0.1:1\"}").statusCode())
                    .as("another POST while one runs").isEqualTo(409);

            int served500 = 0;
            for (int i = 0; i < 400 && state(gh).equals("running"); i++) {
                if (get(gh) == 500) {
                    served500++;
                }
            }

            String canary = admin(gh, "GET", "/upstreams/app/canary", null).body();
            assertThat(canary).contains("\"state\":\"rolled_back\"", "\"percent\":0")
                    .containsPattern("\"reason\":\"error rate 100.00% over max_error_rate 1.00% after 2\\d requests at 50%\"");
            assertThat(served500).as("500s answered before the rollback").isBetween(20, 30);
            for (int i = 0; i < 20; i++) {
                assertThat(get(gh)).as("after the rollback every request goes to the old target").isEqualTo(200);
            }
            assertThat(admin(gh, "GET", "/upstreams/app", null).body()).as("weight 0 and drained")
                    .doesNotContainPattern("\"address\":\"" + broken.address() + "\"[^}]*\"draining\":false");
            assertThat(admin(gh, "GET", "/metrics", null).body()).contains(
                    "gatehouse_canary_state{pool=\"app\",state=\"rolled_back\",target=\"" + broken.address() + "\"} 1.0",
                    "gatehouse_canary_state{pool=\"app\",state=\"running\",target=\"" + broken.address() + "\"} 0.0",
                    "gatehouse_canary_percent{pool=\"app\",target=\"" + broken.address() + "\"} 0.0");
            assertThat(log.await(l -> l.contains("canary=" + broken.address() + " rolled back: error rate"), LIMIT))
                    .startsWith("WARN");
        }
    }

    @Test
    void aHealthyCanaryPassesEveryStepAndIsPromoted() throws Exception {
        try (TestBackend old = TestBackend.echo("old");
             TestBackend fresh = TestBackend.echo("new");
             TestGatehouse gh = start(old)) {
            assertThat(admin(gh, "POST", "/upstreams/app/canary", """
                    {"address": "%s", "steps": [30, 100], "interval": "1s", "max_p99": "2s", "min_requests": 10}"""
                    .formatted(fresh.address())).statusCode()).isEqualTo(201);

            long deadline = System.nanoTime() + LIMIT.toNanos();
            for (int i = 0; i < 5000 && state(gh).equals("running") && System.nanoTime() < deadline; i++) {
                assertThat(get(gh)).isEqualTo(200);
            }

            String canary = admin(gh, "GET", "/upstreams/app/canary", null).body();
            assertThat(canary).contains("\"state\":\"promoted\"", "\"percent\":100", "\"reason\":null");
            assertThat(history(canary)).containsExactly(30, 100);
            assertThat(fresh.requestCount()).isGreaterThanOrEqualTo(20);
            String pool = admin(gh, "GET", "/upstreams/app", null).body();
            assertThat(pool).contains("\"address\":\"" + old.address() + "\",\"weight\":0",
                    "\"address\":\"" + fresh.address() + "\",\"weight\":100");
            int before = old.requestCount();
            for (int i = 0; i < 10; i++) {
                assertThat(get(gh)).isEqualTo(200);
            }
            assertThat(old.requestCount()).as("the old target is parked").isEqualTo(before);

            // A finished canary is replaced by the next POST; DELETE forgets a finished one.
            assertThat(admin(gh, "DELETE", "/upstreams/app/canary", null).statusCode()).isEqualTo(200);
            assertThat(admin(gh, "GET", "/upstreams/app/canary", null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void badBodiesSayWhatWasExpected() throws Exception {
        try (TestBackend old = TestBackend.echo("old"); TestGatehouse gh = start(old)) {
            HttpResponse<String> missing = admin(gh, "POST", "/upstreams/app/canary", "{\"steps\": [10]}");
            assertThat(missing.statusCode()).isEqualTo(400);
            assertThat(missing.body()).contains("\\\"address\\\" is missing");
            HttpResponse<String> steps = admin(gh, "POST", "/upstreams/app/canary",
                    "{\"address\": \"127.0.0.1:9\", \"steps\": [50, 10]}");
            assertThat(steps.statusCode()).isEqualTo(400);
            assertThat(steps.body()).contains("rising percentages");
            assertThat(admin(gh, "POST", "/upstreams/app/canary",
                    "{\"address\": \"" + old.address() + "\"}").statusCode()).as("a target already").isEqualTo(409);
            assertThat(admin(gh, "GET", "/upstreams/nope/canary", null).statusCode()).isEqualTo(404);
        }
    }

    private static List<Integer> history(String json) {
        Matcher m = Pattern.compile("\\{\"percent\":(\\d+),\"passed\":true").matcher(json);
        java.util.ArrayList<Integer> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }

    private static String state(TestGatehouse gh) throws Exception {
        Matcher m = Pattern.compile("\"state\":\"(\\w+)\"").matcher(admin(gh, "GET", "/upstreams/app/canary", null).body());
        return m.find() ? m.group(1) : "none";
    }

    private static int get(TestGatehouse gh) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(gh.uri("/")).header("Host", "app.test")
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static HttpResponse<String> admin(TestGatehouse gh, String method, String path, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gh.server().adminPort() + path))
                .timeout(Duration.ofSeconds(20));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

}
