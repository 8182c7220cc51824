package dev.gatehouse.upstream;

import dev.gatehouse.testing.GatehouseProcess;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static dev.gatehouse.upstream.Backends.CLIENT;
import static dev.gatehouse.upstream.Backends.config;
import static dev.gatehouse.upstream.Backends.get;
import static dev.gatehouse.upstream.Backends.request;
import static org.assertj.core.api.Assertions.assertThat;

/** How the policies spread real requests over real backends on loopback. */
class BalancingIT {

    private static Map<String, Integer> spread(TestGatehouse gh, int n) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = get(gh, "/" + i);
            assertThat(r.statusCode()).isEqualTo(200);
            counts.merge(r.body(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void weightsSplitThousandsOfRequestsInProportion() throws Exception {
        try (TestBackend a = Backends.named("a");
             TestBackend b = Backends.named("b");
             TestBackend c = Backends.named("c");
             TestGatehouse gh = TestGatehouse.start(config("""
                     targets:
                       - { address: %s, weight: 100 }
                       - { address: %s, weight: 200 }
                       - { address: %s, weight: 300 }
                     """.formatted(a.address(), b.address(), c.address())))) {
            int n = 3000;
            Map<String, Integer> counts = spread(gh, n);
            System.out.printf("weights 1:2:3 over %d requests: a %.1f%%, b %.1f%%, c %.1f%%%n", n,
                    counts.get("a") * 100.0 / n, counts.get("b") * 100.0 / n, counts.get("c") * 100.0 / n);

            assertThat(counts.get("a") / (double) n).isBetween(0.15, 0.185);
            assertThat(counts.get("b") / (double) n).isBetween(0.31, 0.355);
            assertThat(counts.get("c") / (double) n).isBetween(0.48, 0.52);
        }
    }

    @Test
    void powerOfTwoChoicesSpreadsOverEveryTarget() throws Exception {
        try (TestBackend a = Backends.named("a");
             TestBackend b = Backends.named("b");
             TestBackend c = Backends.named("c");
             TestGatehouse gh = TestGatehouse.start(config("targets: [%s, %s, %s]\npolicy: p2c"
                     .formatted(a.address(), b.address(), c.address())))) {
            Map<String, Integer> counts = spread(gh, 1500);
            System.out.printf("p2c over 1500 requests: %s%n", counts);
            assertThat(counts.values()).allSatisfy(v -> assertThat(v).isBetween(400, 600));
        }
    }

    @Test
    void leastRequestsSendsNewRequestsToTheIdleTarget() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (TestBackend slow = Backends.held("slow", release);
             TestBackend fast = Backends.named("fast");
             TestGatehouse gh = TestGatehouse.start(config("targets: [%s, %s]\npolicy: least_requests"
                     .formatted(slow.address(), fast.address())))) {
            List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
            // Whichever target the first request finds, once the slow one holds a request all others go to fast.
            while (slow.requestCount() == 0) {
                held.add(CLIENT.sendAsync(request(gh, "/").build(), HttpResponse.BodyHandlers.ofString()));
                Thread.sleep(20);
            }
            Map<String, Integer> counts = spread(gh, 50);
            release.countDown();
            for (var f : held) {
                assertThat(f.get().statusCode()).isEqualTo(200);
            }
            assertThat(counts).containsExactly(Map.entry("fast", 50));
            assertThat(slow.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void firstFailsOverInOrder() throws Exception {
        String dead = "127.0.0.1:" + GatehouseProcess.freePort();
        try (TestBackend a = Backends.named("a");
             TestBackend b = Backends.named("b");
             TestGatehouse gh = TestGatehouse.start(config("targets: [%s, %s, %s]\npolicy: first"
                     .formatted(dead, a.address(), b.address())))) {
            assertThat(spread(gh, 20)).containsExactly(Map.entry("a", 20));
            a.close();
            assertThat(spread(gh, 20)).containsExactly(Map.entry("b", 20));
        }
    }

    @Test
    void stickySessionsStickAndFallBackWhenTheirTargetIsGone() throws Exception {
        TestBackend a = Backends.named("a");
        TestBackend b = Backends.named("b");
        try (a; b; TestGatehouse gh = TestGatehouse.start(config("targets: [%s, %s]\npolicy: sticky\nsticky: { cookie: srv, ttl: 10m }"
                     .formatted(a.address(), b.address())))) {
            HttpResponse<String> first = get(gh, "/");
            String cookie = first.headers().firstValue("set-cookie").orElseThrow();
            assertThat(cookie).startsWith("srv=").contains("Max-Age=600", "HttpOnly", "Path=/");
            String pair = cookie.substring(0, cookie.indexOf(';'));
            String pinned = first.body();

            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = Backends.CLIENT.send(request(gh, "/" + i).header("Cookie", "x=1; " + pair)
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.body()).isEqualTo(pinned);
                assertThat(r.headers().firstValue("set-cookie")).as("already pinned").isEmpty();
            }

            (pinned.equals("a") ? a : b).close();
            HttpResponse<String> moved = Backends.CLIENT.send(request(gh, "/after").header("Cookie", pair).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(moved.statusCode()).isEqualTo(200);
            assertThat(moved.body()).isNotEqualTo(pinned);
            assertThat(moved.headers().firstValue("set-cookie")).hasValueSatisfying(c ->
                    assertThat(c).startsWith("srv=").doesNotStartWith(pair + ";"));
        }
    }

    @Test
    void maxRequestsQueuesThenAnswers503WithRetryAfter() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (TestBackend slow = Backends.held("slow", release);
             TestGatehouse gh = TestGatehouse.start(config("""
                     targets: [{ address: %s, max_requests: 1 }]
                     queue: { size: 1, timeout: 2s }
                     """.formatted(slow.address())))) {
            var inFlight = CLIENT.sendAsync(request(gh, "/1").build(), HttpResponse.BodyHandlers.ofString());
            while (slow.requestCount() == 0) {
                Thread.sleep(10);
            }
            var queued = CLIENT.sendAsync(request(gh, "/2").build(), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(200);
            HttpResponse<String> rejected = get(gh, "/3");
            assertThat(rejected.statusCode()).isEqualTo(503);
            assertThat(rejected.headers().firstValue("retry-after")).contains("2");
            assertThat(rejected.body()).contains("queue is full");

            release.countDown();
            assertThat(inFlight.get().statusCode()).isEqualTo(200);
            assertThat(queued.get().statusCode()).as("woken when the slot freed").isEqualTo(200);
            assertThat(slow.requestCount()).isEqualTo(2);
        }
    }

    @Test
    void aQueuedRequestTimesOutWith503() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (TestBackend slow = Backends.held("slow", release);
             TestGatehouse gh = TestGatehouse.start(config("""
                     targets: [{ address: %s, max_requests: 1 }]
                     queue: { size: 5, timeout: 300ms }
                     """.formatted(slow.address())))) {
            var inFlight = CLIENT.sendAsync(request(gh, "/1").build(), HttpResponse.BodyHandlers.ofString());
            while (slow.requestCount() == 0) {
                Thread.sleep(10);
            }
            long start = System.nanoTime();
            HttpResponse<String> timedOut = get(gh, "/2");
            long ms = (System.nanoTime() - start) / 1_000_000;
            release.countDown();

            assertThat(timedOut.statusCode()).isEqualTo(503);
            assertThat(timedOut.headers().firstValue("retry-after")).contains("1");
            assertThat(ms).isBetween(250L, 2000L);
            assertThat(inFlight.get().statusCode()).isEqualTo(200);
        }
    }
}
