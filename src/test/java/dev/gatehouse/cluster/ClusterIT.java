package dev.gatehouse.cluster;

import dev.gatehouse.testing.GatehouseProcess;
import dev.gatehouse.testing.RedisServer;
import dev.gatehouse.testing.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three Gatehouse processes sharing one real redis-server: the nodes see each other, targets registered on one node
 * are used by the others and survive a restart, a deregistration drains everywhere, one rate limit is counted across
 * nodes, and an outage of Redis stops nothing that works.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Requests per second the shared limit admits, and its burst. */
    private static final int RATE = 20;
    private static final int BURST = 10;

    private static RedisServer redis;
    private static TestBackend backend;
    private static final List<GatehouseProcess> nodes = new ArrayList<>();
    private static final List<Integer> adminPorts = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        redis = RedisServer.start();
        backend = TestBackend.echo("backend-1");
        for (String name : List.of("node-a", "node-b", "node-c")) {
            int admin = GatehouseProcess.freePort();
            adminPorts.add(admin);
            nodes.add(GatehouseProcess.start("""
                    admin: { listen: "127.0.0.1:%d" }
                    cluster: { redis: "%s", node: %s }
                    sites:
                      app.test: { upstream: app }
                      limited.test:
                        rate_limit: { rate: %d/s, burst: %d, key: site }
                        respond: { status: 200, body: "ok" }
                    upstreams:
                      app: { targets: [] }
                    """.formatted(admin, redis.uri(), name, RATE, BURST), "-Xmx128m"));
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (GatehouseProcess n : nodes) {
            n.close();
        }
        if (backend != null) {
            backend.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void everyNodeSeesTheOthersInGetCluster() throws Exception {
        for (int i = 0; i < nodes.size(); i++) {
            int admin = adminPorts.get(i);
            String body = awaitBody(() -> admin(admin, "GET", "/cluster", null),
                    b -> b.contains("node-a") && b.contains("node-b") && b.contains("node-c"), Duration.ofSeconds(15));
            assertThat(body).contains("\"state\":\"up\"").contains("\"rate_limits\":\"shared\"")
                    .contains("\"self\":true");
        }
        HttpResponse<String> status = admin(adminPorts.get(0), "GET", "/status", null);
        assertThat(status.body()).contains("\"cluster\"").contains("node-c");
        assertThat(admin(adminPorts.get(0), "GET", "/metrics", null).body())
                .contains("gatehouse_cluster_redis_up 1.0");
    }

    @Test
    @Order(2)
    void aPoolWithoutTargetsAnswers503WithRetryAfterUntilOneRegisters() throws Exception {
        HttpResponse<String> r = get(nodes.get(1), "app.test", "/");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("retry-after")).isPresent();

        HttpResponse<String> created = admin(adminPorts.get(0), "POST", "/upstreams/app/targets",
                "{\"address\": \"" + backend.address() + "\"}");
        assertThat(created.statusCode()).isEqualTo(201);

        // Registered on node A, used by B and C.
        for (GatehouseProcess n : nodes.subList(1, 3)) {
            awaitBody(() -> get(n, "app.test", "/"), b -> b.contains("backend: " + backend.port()), Duration.ofSeconds(5));
        }
        assertThat(admin(adminPorts.get(2), "GET", "/upstreams/app", null).body()).contains(backend.address());
    }

    @Test
    @Order(3)
    void registeredTargetsSurviveARestart() throws Exception {
        GatehouseProcess b = nodes.get(1);
        b.restart();
        HttpResponse<String> r = awaitResponse(() -> get(b, "app.test", "/"), x -> x.statusCode() == 200,
                Duration.ofSeconds(10));
        assertThat(r.body()).contains("backend: " + backend.port());
    }

    @Test
    @Order(4)
    void oneRateLimitIsCountedAcrossNodes() throws Exception {
        Duration window = Duration.ofSeconds(4);
        for (GatehouseProcess n : nodes) { // warm up on another site: the limit's bucket stays full
            for (int i = 0; i < 20; i++) {
                get(n, "app.test", "/");
            }
        }
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        long start = System.nanoTime();
        long end = start + window.toNanos();
        List<Future<?>> clients = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            GatehouseProcess node = nodes.get(t % 3);
            clients.add(pool.submit(() -> {
                int sent = 0;
                while (System.nanoTime() < end && sent++ < 2_000) {
                    HttpResponse<String> r = get(node, "limited.test", "/");
                    if (r.statusCode() == 200) {
                        admitted.incrementAndGet();
                    } else if (r.statusCode() == 429) {
                        refused.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : clients) {
            f.get();
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        double expected = 1 + BURST + RATE * seconds;
        assertThat(refused.get()).as("the limit was reached").isPositive();
        assertThat((double) admitted.get()).as("admitted over %.2f s, expected about %.0f; log of node-a:\n%s", seconds,
                        expected, nodes.get(0).stderr())
                .isBetween(expected * 0.9, expected * 1.1);
    }

    @Test
    @Order(5)
    void whileRedisDoesNotAnswerNodesServeCountLocallyAndReconcileRegistrationsAfter() throws Exception {
        try (TestBackend second = TestBackend.echo("backend-2")) {
            redis.pause();
            try {
                // Requests go on: the registered target stays, the limit counts locally at 1/3.
                for (GatehouseProcess n : nodes) {
                    assertThat(get(n, "app.test", "/").statusCode()).isEqualTo(200);
                }
                awaitResponse(() -> get(nodes.get(0), "limited.test", "/"), r -> r.statusCode() == 200,
                        Duration.ofSeconds(5));
                awaitLog(nodes.get(0), "counted locally at 1/3", Duration.ofSeconds(10));
                awaitLog(nodes.get(0), "unreachable: no answer within the timeout", Duration.ofSeconds(10));
                // A registration during the outage is applied on its node at once.
                HttpResponse<String> created = admin(adminPorts.get(2), "POST", "/upstreams/app/targets",
                        "{\"address\": \"" + second.address() + "\", \"weight\": 1000}");
                assertThat(created.statusCode()).isEqualTo(201);
            } finally {
                redis.resume();
            }
            // ... and reaches the other nodes once Redis is back.
            awaitBody(() -> admin(adminPorts.get(0), "GET", "/upstreams/app", null),
                    b -> b.contains(second.address()), Duration.ofSeconds(15));
            awaitLog(nodes.get(0), "reachable again", Duration.ofSeconds(10));
            awaitResponse(() -> get(nodes.get(0), "limited.test", "/"),
                    r -> nodes.get(0).stderr().contains("counted in Redis again"), Duration.ofSeconds(10));

            // A deregistration on one node drains on all.
            assertThat(admin(adminPorts.get(1), "DELETE", "/upstreams/app/targets/" + second.address(), null)
                    .statusCode()).isEqualTo(200);
            for (int i = 0; i < 3; i++) {
                int admin = adminPorts.get(i);
                awaitBody(() -> admin(admin, "GET", "/upstreams/app", null),
                        b -> !b.contains(second.address()) || b.contains("\"draining\":true"), Duration.ofSeconds(5));
            }
        }
    }

    // ---- helpers

    private interface Call {
        HttpResponse<String> send() throws IOException, InterruptedException;
    }

    private static HttpResponse<String> get(GatehouseProcess node, String host, String path)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(node.uri(path)).header("Host", host).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> admin(int port, String method, String path, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (json != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String awaitBody(Call call, Predicate<String> until, Duration limit) throws Exception {
        return awaitResponse(call, r -> until.test(r.body()), limit).body();
    }

    private static HttpResponse<String> awaitResponse(Call call, Predicate<HttpResponse<String>> until,
                                                      Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            last = call.send();
            if (until.test(last)) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not seen within " + limit + "; last answer: "
                + (last == null ? "none" : last.statusCode() + " " + last.body()));
    }

    private static String awaitLog(GatehouseProcess node, String text, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            String log = node.stderr();
            if (log.contains(text)) {
                return log;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no log line with \"" + text + "\" within " + limit + "; log:\n" + node.stderr());
    }
}
