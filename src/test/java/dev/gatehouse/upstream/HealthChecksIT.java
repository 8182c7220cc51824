package dev.gatehouse.upstream;

import dev.gatehouse.testing.GatehouseProcess;
import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.gatehouse.upstream.Backends.config;
import static dev.gatehouse.upstream.Backends.get;
import static org.assertj.core.api.Assertions.assertThat;

/** Active and passive health checks against real backends, dead, hung and failing. */
class HealthChecksIT {

    @Test
    void aBackendKilledUnderLoadCostsNoFailedGetAndIsMarkedUnhealthyInTime() throws Exception {
        TestBackend a = Backends.named("a");
        try (a; TestBackend b = Backends.named("b");
             LogCapture log = LogCapture.of("dev.gatehouse.upstream");
             TestGatehouse gh = TestGatehouse.start(config("""
                     targets: [%s, %s]
                     health: { path: /health, interval: 200ms, timeout: 200ms, unhealthy: 2 }
                     """.formatted(a.address(), b.address())))) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger ok = new AtomicInteger();
            Map<Integer, Integer> failed = new ConcurrentHashMap<>();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) { // bounded load: four clients, one request at a time each
                Thread t = new Thread(() -> {
                    while (running.get()) {
                        try {
                            int status = get(gh, "/").statusCode();
                            if (status == 200) {
                                ok.incrementAndGet();
                            } else {
                                failed.merge(status, 1, Integer::sum);
                            }
                        } catch (Exception e) {
                            failed.merge(-1, 1, Integer::sum);
                        }
                    }
                });
                t.start();
                clients.add(t);
            }
            Thread.sleep(700);
            long killed = System.nanoTime();
            a.closeBetweenResponses();
            String line = log.await(l -> l.contains("target=" + a.address() + " healthy -> unhealthy"),
                    Duration.ofSeconds(5));
            long detectedMs = (System.nanoTime() - killed) / 1_000_000;
            Thread.sleep(500);
            running.set(false);
            for (Thread t : clients) {
                t.join(10_000);
            }
            System.out.printf("killed backend: %d GETs ok, failed %s, unhealthy after %d ms (interval 200ms x 2)%n",
                    ok.get(), failed, detectedMs);

            assertThat(failed).as("failed GETs by status").isEmpty();
            assertThat(ok.get()).isGreaterThan(20);
            assertThat(line).isEqualTo("WARN upstream=app target=" + a.address()
                    + " healthy -> unhealthy: 2 failed checks (last: connect refused)");
            assertThat(detectedMs).as("within interval x threshold, plus one interval of phase").isLessThan(800);
        }
    }

    @Test
    void aHungBackendIsDetectedByTheCheckTimeout() throws Exception {
        int port = GatehouseProcess.freePort();
        Path dir = Files.createTempDirectory("hung-backend");
        Files.writeString(dir.resolve("health"), "ok");
        Process python = new ProcessBuilder("python3", "-m", "http.server", "--bind", "127.0.0.1",
                Integer.toString(port)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String hung = "127.0.0.1:" + port;
        awaitPort(port);
        try (TestBackend other = Backends.named("ok-other");
             LogCapture log = LogCapture.of("dev.gatehouse.upstream");
             TestGatehouse gh = TestGatehouse.start("timeouts: { upstream_header: 1s }\n" + config("""
                     targets: [%s, %s]
                     health: { path: /health, interval: 300ms, timeout: 200ms, unhealthy: 2, body: ok }
                     """.formatted(hung, other.address())))) {
            assertThat(log.await(l -> l.contains("target=" + hung + " unknown -> healthy"), Duration.ofSeconds(10)))
                    .as("python backend up and checked").isNotNull();

            new ProcessBuilder("kill", "-STOP", Long.toString(python.pid())).start().waitFor();
            long stopped = System.nanoTime();
            String line = log.await(l -> l.contains("target=" + hung + " healthy -> unhealthy"),
                    Duration.ofSeconds(5));
            long detectedMs = (System.nanoTime() - stopped) / 1_000_000;
            System.out.printf("SIGSTOPped backend: unhealthy after %d ms (interval 300ms, timeout 200ms, x2)%n",
                    detectedMs);

            assertThat(line).isEqualTo("WARN upstream=app target=" + hung
                    + " healthy -> unhealthy: 2 failed checks (last: timeout after 200ms)");
            assertThat(detectedMs).isLessThan(1500);
            for (int i = 0; i < 10; i++) {
                assertThat(get(gh, "/health").body()).as("only the live target is used").isEqualTo("ok-other");
            }
        } finally {
            new ProcessBuilder("kill", "-CONT", Long.toString(python.pid())).start().waitFor();
            python.destroyForcibly().waitFor();
        }
    }

    private static void awaitPort(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("python3 -m http.server did not listen on " + port);
    }

    @Test
    void failOpenStillTriesTargetsWhenNoneIsHealthy() throws Exception {
        AtomicInteger health = new AtomicInteger(500);
        try (TestBackend a = Backends.named("a", health);
             LogCapture log = LogCapture.of("dev.gatehouse.upstream");
             TestGatehouse gh = TestGatehouse.start(config("""
                     targets: [%s]
                     health: { path: /health, interval: 300ms, timeout: 300ms, unhealthy: 1, healthy: 1 }
                     """.formatted(a.address())))) {
            assertThat(log.await(l -> l.contains("-> unhealthy: 1 failed check"),
                    Duration.ofSeconds(5))).isNotNull();
            assertThat(get(gh, "/").statusCode()).isEqualTo(200);

            health.set(200);
            assertThat(log.await(l -> l.contains("unhealthy -> healthy: 1 passed check"), Duration.ofSeconds(5)))
                    .isNotNull();
        }
    }

    @Test
    void whenUnhealthy503AnswersAtOnceWithRetryAfter() throws Exception {
        AtomicInteger health = new AtomicInteger(200);
        try (TestBackend a = Backends.named("a", health);
             LogCapture log = LogCapture.of("dev.gatehouse.upstream");
             TestGatehouse gh = TestGatehouse.start(config("""
                     targets: [%s]
                     health: { path: /health, interval: 300ms, timeout: 300ms, unhealthy: 1, healthy: 1 }
                     when_unhealthy: 503
                     """.formatted(a.address())))) {
            assertThat(get(gh, "/").statusCode()).isEqualTo(200);
            health.set(503);
            assertThat(log.await(l -> l.contains("-> unhealthy"), Duration.ofSeconds(5))).isNotNull();
            int before = a.requestCount();

            HttpResponse<String> r = get(gh, "/");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("retry-after")).isPresent();
            assertThat(r.body()).contains("no upstream target is available");
            assertThat(a.requestCount() - before).as("only health checks reached it").isLessThanOrEqualTo(2);
        }
    }

    @Test
    void startUnhealthyUntilCheckedWaitsForTheFirstPass() throws Exception {
        try (TestBackend a = Backends.named("a");
             LogCapture log = LogCapture.of("dev.gatehouse.upstream");
             TestGatehouse gh = TestGatehouse.start(config("""
                     targets: [%s]
                     health: { path: /health, interval: 200ms, timeout: 200ms }
                     start: unhealthy-until-checked
                     when_unhealthy: 503
                     """.formatted(a.address())))) {
            assertThat(log.await(l -> l.contains("unknown -> healthy: 1 passed check"), Duration.ofSeconds(5)))
                    .isNotNull();
            assertThat(get(gh, "/").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void passiveChecksEjectATargetThatKeepsFailing() throws Exception {
        try (TestBackend good = Backends.named("good");
             TestBackend bad = TestBackend.start("bad", ex -> Backends.reply(ex, 503, "bad"));
             LogCapture log = LogCapture.of("dev.gatehouse.upstream");
             TestGatehouse gh = TestGatehouse.start(config("""
                     targets: [%s, %s]
                     passive: { failures: 3, eject: 10s }
                     """.formatted(good.address(), bad.address())))) {
            for (int i = 0; i < 30; i++) {
                get(gh, "/");
            }
            assertThat(log.await(l -> l.contains("target=" + bad.address() + " ejected for 10s: 3 consecutive "
                    + "failures (last: status 503)"), Duration.ofSeconds(2))).isNotNull();
            assertThat(bad.requestCount()).isEqualTo(3);
        }
    }
}
