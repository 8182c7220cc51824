package dev.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.config.ReloadResult;
import dev.gatehouse.testing.RawConnection;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloads while clients keep sending requests through a proxy route: not one request may fail and not one
 * connection may be closed under a client, while targets and pools come and go and policies change.
 */
@Timeout(120)
class ReloadUnderLoadIT {
    private static final int RELOADS = 20;
    private static final int CLIENT_THREADS = 3;
    private static final int RAW_THREADS = 2;
    /** Bounds for each client thread, whatever happens to the reloads. */
    private static final int MAX_REQUESTS_PER_THREAD = 50_000;
    private static final Duration MAX_RUN = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static String config(boolean second, TestBackend a, TestBackend b) {
        return second ? """
                sites:
                  app.test:
                    routes:
                      - { path: /extra/*, upstream: extra }
                      - upstream: app
                upstreams:
                  app:
                    targets: [ { address: %1$s, weight: 50 }, %2$s ]
                    policy: least_requests
                    slow_start: 2s
                  extra: { targets: [%2$s] }
                """.formatted(a.address(), b.address()) : """
                sites:
                  app.test: { upstream: app }
                upstreams:
                  app: { targets: [%s] }
                """.formatted(a.address());
    }

    @Test
    void requestsThroughAProxyRouteNeverFailWhileTheConfigIsReloadedRepeatedly() throws Exception {
        try (TestBackend a = TestBackend.echo("a"); TestBackend b = TestBackend.echo("b");
             TestGatehouse gh = TestGatehouse.start(config(false, a, b), dir)) {
            List<String> expected = List.of("backend: " + a.port() + "\n", "backend: " + b.port() + "\n");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger ok = new AtomicInteger();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch started = new CountDownLatch(CLIENT_THREADS + RAW_THREADS);
            long deadline = System.nanoTime() + MAX_RUN.toNanos();
            List<Thread> threads = new ArrayList<>();

            for (int i = 0; i < CLIENT_THREADS; i++) {
                threads.add(start("http-client-" + i, () -> {
                    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofSeconds(5)).build();
                    // Every other request goes to the route and pool that come and go with each reload.
                    List<HttpRequest> requests = List.of("/load", "/extra/load").stream()
                            .map(path -> HttpRequest.newBuilder(gh.uri(path)).header("Host", "app.test")
                                    .timeout(Duration.ofSeconds(10)).build()).toList();
                    started.countDown();
                    for (int n = 0; n < MAX_REQUESTS_PER_THREAD && !stop.get() && System.nanoTime() < deadline; n++) {
                        try {
                            HttpResponse<String> r = client.send(requests.get(n % 2),
                                    HttpResponse.BodyHandlers.ofString());
                            check(r.statusCode(), r.body(), expected, ok, failures);
                        } catch (Exception e) {
                            failures.add("client: " + e);
                        }
                    }
                }));
            }
            for (int i = 0; i < RAW_THREADS; i++) {
                threads.add(start("keep-alive-" + i, () -> {
                    // One connection for the whole run: a reload must never close it.
                    try (RawConnection c = RawConnection.connect(gh.port())) {
                        started.countDown();
                        for (int n = 0; n < MAX_REQUESTS_PER_THREAD && !stop.get() && System.nanoTime() < deadline;
                             n++) {
                            c.send("GET /raw HTTP/1.1\r\nHost: app.test\r\n\r\n");
                            RawConnection.Response r = c.read();
                            if (!r.complete()) {
                                failures.add("keep-alive: incomplete response " + r.statusLine());
                            }
                            check(r.status(), r.bodyText(), expected, ok, failures);
                        }
                    } catch (Exception e) {
                        failures.add("keep-alive connection: " + e);
                    }
                }));
            }

            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(1000);
            int before = ok.get();
            long reloadStart = System.nanoTime();
            List<String> refused = new ArrayList<>();
            for (int i = 1; i <= RELOADS; i++) {
                gh.rewrite(config(i % 2 == 1, a, b));
                ReloadResult result = gh.server().reload();
                if (!result.applied()) {
                    refused.add(result.errors().toString());
                }
                Thread.sleep(100);
            }
            long reloadMillis = (System.nanoTime() - reloadStart) / 1_000_000;
            int during = ok.get() - before;
            Thread.sleep(200);
            stop.set(true);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(20));
            }

            assertThat(refused).isEmpty();
            assertThat(failures).as("failed requests and closed connections").isEmpty();
            assertThat(during).as("requests while reloading (at least two per reload)").isGreaterThan(2 * RELOADS);
            assertThat(b.requestCount()).as("requests to the target that came and went").isPositive();
            assertThat(gh.server().reloadStats().reloads()).isGreaterThanOrEqualTo(RELOADS);
            assertThat(gh.server().reloadStats().failed()).isZero();
            System.out.printf("reload under load: %d requests in the first second, %d during %d reloads in %d ms,"
                    + " %d in all, none failed%n", before, during, gh.server().reloadStats().reloads(), reloadMillis,
                    ok.get());
        }
    }

    private static Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.start();
        return t;
    }

    private static void check(int status, String body, List<String> expected, AtomicInteger ok,
                              ConcurrentLinkedQueue<String> failures) {
        if (status == 200 && expected.stream().anyMatch(body::startsWith)) {
            ok.incrementAndGet();
        } else {
            failures.add("status " + status + ": " + body.lines().findFirst().orElse(""));
        }
    }
}
