package dev.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.config.ReloadResult;
import dev.gatehouse.config.Target;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.TlsProbe;
import dev.gatehouse.upstream.Health;
import dev.gatehouse.upstream.TargetState;
import dev.gatehouse.upstream.UpstreamPool;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a reload does to upstream pools: targets registered at run time survive, targets dropped from the file drain
 * (slow requests finish, long ones are cut after deregistration_delay), health checks restart with new settings on
 * the same live targets.
 */
@Timeout(90)
class ReloadUpstreamsIT {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private static HttpResponse<String> get(URI uri, String host) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(uri).header("Host", host).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTargetRegisteredAtRunTimeSurvivesAReload() throws Exception {
        try (TestBackend a = TestBackend.echo("a"); TestBackend b = TestBackend.echo("b");
             TestBackend c = TestBackend.echo("c");
             TestGatehouse gh = TestGatehouse.start("""
                     sites:
                       app.test: { upstream: app }
                     upstreams:
                       app: { targets: [%s] }
                     """.formatted(a.address()), dir)) {
            UpstreamPool pool = gh.server().upstreams().pool("app").orElseThrow();
            pool.add(new Target("127.0.0.1", b.port(), 100));

            gh.rewrite("""
                    sites:
                      app.test: { upstream: app }
                    upstreams:
                      app: { targets: [%s, %s], policy: least_requests }
                    """.formatted(a.address(), c.address()));
            ReloadResult result = gh.server().reload();

            assertThat(result.applied()).as("errors: %s", result.errors()).isTrue();
            assertThat(gh.server().upstreams().pool("app")).containsSame(pool);
            assertThat(pool.targets()).extracting(TargetState::address)
                    .containsExactly(a.address(), b.address(), c.address());
            assertThat(pool.targets()).extracting(TargetState::origin)
                    .containsExactly(TargetState.Origin.FILE, TargetState.Origin.API, TargetState.Origin.FILE);
            for (int i = 0; i < 30; i++) {
                assertThat(get(gh.uri("/"), "app.test").statusCode()).isEqualTo(200);
            }
            assertThat(b.requestCount()).as("requests to the target registered at run time").isPositive();
            assertThat(c.requestCount()).as("requests to the target the reload added").isPositive();
        }
    }

    @Test
    void aTargetRemovedFromTheFileFinishesItsSlowRequestAndTakesNoNewOnes() throws Exception {
        try (TestBackend fast = TestBackend.echo("fast");
             TestBackend slow = TestBackend.start("slow", ex -> {
                 try {
                     Thread.sleep(1500);
                 } catch (InterruptedException e) {
                     Thread.currentThread().interrupt();
                 }
                 byte[] bytes = "slow".getBytes(StandardCharsets.UTF_8);
                 ex.sendResponseHeaders(200, bytes.length);
                 ex.getResponseBody().write(bytes);
                 ex.close();
             });
             TestGatehouse gh = TestGatehouse.start("""
                     sites:
                       app.test: { upstream: app }
                     upstreams:
                       app: { targets: [%s] }
                     """.formatted(slow.address()), dir)) {
            CompletableFuture<HttpResponse<String>> inFlight = CLIENT.sendAsync(HttpRequest.newBuilder(gh.uri("/slow"))
                    .header("Host", "app.test").timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (slow.requestCount() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(slow.requestCount()).as("the slow request reached the slow target").isEqualTo(1);

            gh.rewrite("""
                    sites:
                      app.test: { upstream: app }
                    upstreams:
                      app: { targets: [%s] }
                    """.formatted(fast.address()));
            ReloadResult result = gh.server().reload();

            assertThat(result.applied()).as("errors: %s", result.errors()).isTrue();
            UpstreamPool pool = gh.server().upstreams().pool("app").orElseThrow();
            assertThat(pool.drainingTargets()).extracting(TargetState::address).containsExactly(slow.address());
            for (int i = 0; i < 10; i++) {
                assertThat(get(gh.uri("/"), "app.test").body()).contains("backend: " + fast.port());
            }
            HttpResponse<String> finished = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(finished.statusCode()).isEqualTo(200);
            assertThat(finished.body()).isEqualTo("slow");
            assertThat(slow.requestCount()).as("no new request after the reload").isEqualTo(1);
        }
    }

    @Test
    void aRequestToATargetRemovedFromTheFileIsCutWhenTheDeregistrationDelayIsOverAndRetried() throws Exception {
        String yaml = """
                sites:
                  app.test: { upstream: app }
                upstreams:
                  app:
                    targets: [%s]
                    deregistration_delay: 1s
                """;
        try (TestBackend fast = TestBackend.echo("fast");
             TestBackend hanging = TestBackend.start("hanging", ex -> {
                 try {
                     Thread.sleep(20_000); // far longer than the delay: only Gatehouse can end this request
                 } catch (InterruptedException e) {
                     Thread.currentThread().interrupt();
                 }
                 ex.close();
             });
             TestGatehouse gh = TestGatehouse.start(yaml.formatted(hanging.address()), dir)) {
            CompletableFuture<HttpResponse<String>> inFlight = CLIENT.sendAsync(HttpRequest.newBuilder(gh.uri("/hang"))
                    .header("Host", "app.test").timeout(Duration.ofSeconds(15)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (hanging.requestCount() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(hanging.requestCount()).isEqualTo(1);

            gh.rewrite(yaml.formatted(fast.address()));
            long removedAt = System.nanoTime();
            assertThat(gh.server().reload().applied()).isTrue();

            HttpResponse<String> cut = inFlight.get(15, TimeUnit.SECONDS);
            Duration after = Duration.ofNanos(System.nanoTime() - removedAt);
            // Cut before any answer, the GET is retried on the pool's remaining target.
            assertThat(cut.statusCode()).isEqualTo(200);
            assertThat(cut.body()).contains("backend: " + fast.port());
            assertThat(after).as("cut when the deregistration delay was over")
                    .isBetween(Duration.ofMillis(900), Duration.ofSeconds(4));
            assertThat(hanging.requestCount()).as("no new request to the removed target").isEqualTo(1);
        }
    }

    @Test
    void changedHealthSettingsRestartTheChecksAndTheTargetKeepsItsState() throws Exception {
        String yaml = """
                sites:
                  app.test: { upstream: app }
                upstreams:
                  app:
                    targets: [%s]
                    health: { path: %s, interval: 300ms, timeout: 300ms, unhealthy: 1, healthy: 1 }
                """;
        try (TestBackend app = TestBackend.start("app", ex -> {
            int status = ex.getRequestURI().getPath().equals("/ok") ? 200 : 404;
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
             TestGatehouse gh = TestGatehouse.start(yaml.formatted(app.address(), "/missing"), dir)) {
            TargetState target = gh.server().upstreams().pool("app").orElseThrow().targets().get(0);
            assertThat(TlsProbe.poll(Duration.ofSeconds(10), target::health, h -> h == Health.UNHEALTHY))
                    .isEqualTo(Health.UNHEALTHY);

            gh.rewrite(yaml.formatted(app.address(), "/ok"));
            ReloadResult result = gh.server().reload();

            assertThat(result.applied()).as("errors: %s", result.errors()).isTrue();
            assertThat(result.changes()).containsExactly("upstream \"app\": health changed");
            assertThat(TlsProbe.poll(Duration.ofSeconds(10), target::health, h -> h == Health.HEALTHY))
                    .as("checked with the new path").isEqualTo(Health.HEALTHY);
            assertThat(gh.server().upstreams().pool("app").orElseThrow().targets()).containsExactly(target);
        }
    }
}
