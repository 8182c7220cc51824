package dev.gatehouse.admin;

import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin API over real sockets: targets registered, re-weighted and removed while requests flow. */
class AdminApiIT {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private TestBackend a;
    private TestBackend b;
    private TestGatehouse gh;

    @BeforeEach
    void start() throws Exception {
        a = named("a");
        b = named("b");
        gh = TestGatehouse.start("""
                admin: { listen: "127.0.0.1:0" }
                sites:
                  example.test: { upstream: app }
                upstreams:
                  app:
                    targets: [ %s ]
                """.formatted(a.address()));
    }

    @AfterEach
    void stop() {
        gh.close();
        a.close();
        b.close();
    }

    private static TestBackend named(String name) throws Exception {
        return TestBackend.start(name, ex -> {
            try (InputStream in = ex.getRequestBody()) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        });
    }

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gh.server().adminPort() + path))
                .timeout(Duration.ofSeconds(10));
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            r.header("Content-Type", "application/json");
        }
        return CLIENT.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, Integer> spread(int n) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(gh.uri("/" + i)).header("Host", "example.test")
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            counts.merge(r.body(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void registeredTargetGetsRequestsUntilParkedThenRemoved() throws Exception {
        assertThat(spread(20)).containsOnlyKeys("a");

        HttpResponse<String> added = admin("POST", "/upstreams/app/targets",
                "{\"address\": \"" + b.address() + "\", \"weight\": 100}");
        assertThat(added.statusCode()).isEqualTo(201);
        assertThat(added.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(added.body()).contains("\"address\":\"" + b.address() + "\"", "\"weight\":100");
        assertThat(spread(40)).containsKeys("a", "b");

        HttpResponse<String> pool = admin("GET", "/upstreams/app", null);
        assertThat(pool.statusCode()).isEqualTo(200);
        assertThat(pool.body()).contains("\"name\":\"app\"", a.address(), b.address(), "\"health\":",
                "\"in_flight\":0", "\"requests\":", "\"draining\":false");

        HttpResponse<String> parked = admin("PUT", "/upstreams/app/targets",
                "{\"address\": \"" + b.address() + "\", \"weight\": 0}");
        assertThat(parked.statusCode()).isEqualTo(200);
        assertThat(parked.body()).contains("\"weight\":0");
        assertThat(spread(20)).containsOnlyKeys("a");

        admin("PUT", "/upstreams/app/targets", "{\"address\": \"" + b.address() + "\", \"weight\": 100}");
        assertThat(spread(20)).containsKeys("a", "b");

        HttpResponse<String> removed = admin("DELETE", "/upstreams/app/targets/" + b.address(), null);
        assertThat(removed.statusCode()).isEqualTo(200);
        assertThat(removed.body()).contains("\"draining\":true");
        assertThat(admin("GET", "/upstreams/app", null).body()).doesNotContain(b.address());
        assertThat(spread(20)).containsOnlyKeys("a");

        assertThat(admin("DELETE", "/upstreams/app/targets/" + b.address(), null).statusCode()).isEqualTo(404);
    }

    @Test
    void unknownPoolIsA404ProblemListingThePools() throws Exception {
        HttpResponse<String> r = admin("GET", "/upstreams/nope", null);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(r.body()).contains("\"type\":\"about:blank\"", "\"status\":404", "nope", "pools: app");
    }

    @Test
    void badJsonIsA400SayingWhatWasExpected() throws Exception {
        HttpResponse<String> r = admin("POST", "/upstreams/app/targets", "{\"address\": ");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(r.body()).contains("not valid JSON", "expected");

        assertThat(admin("POST", "/upstreams/app/targets", "{\"weight\": 5}").body()).contains("\\\"address\\\" is missing");
        assertThat(admin("POST", "/upstreams/app/targets", "{\"address\": \"nohost\"}").body())
                .contains("is not host:port");
    }

    @Test
    void duplicateTargetIsA409() throws Exception {
        HttpResponse<String> r = admin("POST", "/upstreams/app/targets", "{\"address\": \"" + a.address() + "\"}");
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.body()).contains("already in pool", "PUT");
    }

    @Test
    void weightOutOfRangeIsA400() throws Exception {
        HttpResponse<String> r = admin("POST", "/upstreams/app/targets",
                "{\"address\": \"" + b.address() + "\", \"weight\": 1001}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("0..1000");
        assertThat(admin("PUT", "/upstreams/app/targets", "{\"address\": \"" + a.address() + "\", \"weight\": 1.5}")
                .statusCode()).isEqualTo(400);
        assertThat(admin("PUT", "/upstreams/app/targets", "{\"address\": \"127.0.0.1:1\", \"weight\": 5}")
                .statusCode()).isEqualTo(404);
    }

    @Test
    void wrongMethodIsA405WithAllow() throws Exception {
        HttpResponse<String> r = admin("DELETE", "/upstreams/app", null);
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("allow")).hasValue("GET");
        assertThat(admin("GET", "/upstreams/app/targets", null).headers().firstValue("allow")).hasValue("POST, PUT");
    }

    @Test
    void unknownEndpointAndOversizedBodyAreRefused() throws Exception {
        HttpResponse<String> r = admin("GET", "/nope", null);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("/upstreams/{pool}");
        assertThat(admin("POST", "/upstreams/app/targets", "x".repeat(AdminServer.MAX_BODY + 1)).statusCode())
                .isEqualTo(413);
        assertThat(admin("GET", "/upstreams", null).body()).isEqualTo("{\"pools\":[\"app\"]}");
    }

    @Test
    void ipv6TargetsAreAddressedWithBrackets() throws Exception {
        assertThat(admin("POST", "/upstreams/app/targets", "{\"address\": \"[::1]:1\", \"weight\": 0}").statusCode())
                .isEqualTo(201);
        assertThat(admin("DELETE", "/upstreams/app/targets/%5B::1%5D:1", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aDeregisteredTargetFinishesItsSlowInFlightRequestAndTakesNoNewOnes() throws Exception {
        try (TestBackend slow = TestBackend.start("slow", ex -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] bytes = "slow".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        })) {
            assertThat(admin("POST", "/upstreams/app/targets", "{\"address\": \"" + slow.address() + "\"}")
                    .statusCode()).isEqualTo(201);
            assertThat(admin("PUT", "/upstreams/app/targets", "{\"address\": \"" + a.address() + "\", \"weight\": 0}")
                    .statusCode()).isEqualTo(200);
            var inFlight = CLIENT.sendAsync(HttpRequest.newBuilder(gh.uri("/slow")).header("Host", "example.test")
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (slow.requestCount() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(slow.requestCount()).as("the slow request reached the slow target").isEqualTo(1);

            HttpResponse<String> removed = admin("DELETE", "/upstreams/app/targets/" + slow.address(), null);
            assertThat(removed.statusCode()).isEqualTo(200);
            assertThat(admin("PUT", "/upstreams/app/targets", "{\"address\": \"" + a.address() + "\", \"weight\": 100}")
                    .statusCode()).isEqualTo(200);

            assertThat(spread(10)).containsOnlyKeys("a");
            HttpResponse<String> finished = inFlight.get();
            assertThat(finished.statusCode()).isEqualTo(200);
            assertThat(finished.body()).isEqualTo("slow");
            assertThat(slow.requestCount()).as("no new request after the DELETE").isEqualTo(1);
        }
    }

    @Test
    void aDeregisteredTargetsRequestIsCutWhenTheDeregistrationDelayIsOver() throws Exception {
        gh.close();
        try (TestBackend hanging = TestBackend.start("hanging", ex -> {
            try {
                Thread.sleep(20_000); // far longer than the delay: only Gatehouse can end this request
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        })) {
            gh = TestGatehouse.start("""
                    admin: { listen: "127.0.0.1:0" }
                    sites:
                      example.test: { upstream: app }
                    upstreams:
                      app:
                        targets: [ %s ]
                        deregistration_delay: 1s
                    """.formatted(hanging.address()));
            var inFlight = CLIENT.sendAsync(HttpRequest.newBuilder(gh.uri("/hang")).header("Host", "example.test")
                    .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (hanging.requestCount() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            long removedAt = System.nanoTime();
            assertThat(admin("DELETE", "/upstreams/app/targets/" + hanging.address(), null).statusCode()).isEqualTo(200);

            HttpResponse<String> cut = inFlight.get();
            Duration after = Duration.ofNanos(System.nanoTime() - removedAt);
            assertThat(cut.statusCode()).as("the upstream connection was closed before any answer").isEqualTo(502);
            assertThat(after).isBetween(Duration.ofMillis(900), Duration.ofSeconds(4));
        }
    }
}
