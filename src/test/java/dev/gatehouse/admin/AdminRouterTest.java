package dev.gatehouse.admin;

import dev.gatehouse.cache.ResponseCache;
import dev.gatehouse.config.CacheStorage;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.ReloadResult;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.StorageException;
import dev.gatehouse.certificates.CertificateInventory;
import dev.gatehouse.certificates.CertificateStatus;
import dev.gatehouse.upstream.Upstreams;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The router with a real config, real (unstarted) pools and a real storage directory behind it; no sockets. */
class AdminRouterTest {
    private static final Instant NOW = Instant.parse("2026-01-10T12:00:00Z");

    @TempDir
    Path dir;

    private Instance instance;
    private AdminRouter router;

    /** The server side, made of real parts; reload and renewal outcomes are set by each test. */
    private static class Instance implements RunningInstance {
        final GatehouseConfig config;
        final Upstreams upstreams;
        ReloadResult reload = ReloadResult.applied(List.of());
        boolean tls = true;
        final List<String> renewed = new ArrayList<>();
        final ResponseCache cache = new ResponseCache(CacheStorage.DEFAULTS, Runnable::run,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());

        Instance(GatehouseConfig config) {
            this.config = config;
            this.upstreams = new Upstreams(config.upstreams().values(), NioSocketChannel.class,
                    () -> new NioEventLoopGroup(1));
        }

        @Override
        public GatehouseConfig config() {
            return config;
        }

        @Override
        public Upstreams upstreams() {
            return upstreams;
        }

        @Override
        public List<CertificateStatus> certificates() throws StorageException {
            return new CertificateInventory(config, new CertificateStore(new FileStorage(config.storage()))).statuses();
        }

        @Override
        public boolean renew(String name) {
            renewed.add(name);
            return tls;
        }

        @Override
        public ReloadResult reload() {
            return reload;
        }

        @Override
        public Instant startedAt() {
            return NOW.minusSeconds(3725);
        }

        @Override
        public Map<String, Integer> listeners() {
            return Map.of("http", 8080);
        }

        @Override
        public String metrics() {
            return "# TYPE gatehouse_test_total counter\ngatehouse_test_total 1.0\n";
        }

        @Override
        public ResponseCache cache() {
            return cache;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        // The certificate files exist when the config is read, and are gone by the time anyone asks (deleted live).
        Files.writeString(dir.resolve("own.pem"), "");
        Files.writeString(dir.resolve("own.key"), "");
        GatehouseConfig config = ConfigLoader.parse("""
                sites:
                  Example.com: { upstream: app }
                  own.example.com: { tls: { cert: own.pem, key: own.key }, respond: 204 }
                upstreams:
                  app: { targets: [127.0.0.1:8000, 127.0.0.1:8001] }
                """, dir.resolve("gatehouse.yaml"));
        Files.delete(dir.resolve("own.pem"));
        Files.delete(dir.resolve("own.key"));
        instance = new Instance(config);
        router = new AdminRouter(instance, new AdminAccess(Optional.empty(), () -> 2019), new RecentErrors(10), () -> 2019,
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private Reply call(String method, String uri) {
        return router.handle(AdminRequest.local(method, uri, ""));
    }

    @Test
    void everyEndpointAnswersJson() {
        for (String path : List.of("/status", "/sites", "/config", "/certificates", "/errors", "/upstreams",
                "/upstreams/app", "/status?verbose=1")) {
            Reply r = call("GET", path);
            assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(200);
            assertThat(r.contentType()).isEqualTo("application/json");
        }
        assertThat(call("GET", "/status").text()).contains("\"uptime_seconds\":3725", "\"http\":8080",
                "\"admin\":2019", "\"sites\":2", "\"targets\":2,\"healthy\":0,\"unhealthy\":0,\"unknown\":2");
    }

    @Test
    void cachePurgeTakesOneOfUrlTagOrPrefix() {
        for (String body : List.of("{\"url\": \"http://Example.com/page\"}", "{\"tag\": \"red\"}",
                "{\"prefix\": \"https://example.com/blog/\"}")) {
            Reply r = router.handle(AdminRequest.local("POST", "/cache/purge", body));
            assertThat(r.status()).as(body + ": " + r.text()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("{\"purged\":0}");
        }
        for (String body : List.of("", "{}", "{\"url\": \"x\", \"tag\": \"y\"}", "{\"uri\": \"http://a/\"}",
                "{\"url\": \"/relative\"}", "{\"url\": \"ftp://a/b\"}", "{\"tag\": \"\"}", "not json")) {
            Reply r = router.handle(AdminRequest.local("POST", "/cache/purge", body));
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.text()).as(body).contains("expected");
        }
        assertThat(call("GET", "/cache/purge").headers()).containsEntry("Allow", "POST");
        assertThat(call("POST", "/cache").status()).isEqualTo(404);
        assertThat(CacheEndpoint.url("HTTP://Example.COM:8080/a?b#c", "url", false)).isEqualTo("http://example.com/a?b");
    }

    @Test
    void metricsAreThePrometheusText() {
        Reply r = call("GET", "/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/plain; version=0.0.4");
        assertThat(r.text()).contains("gatehouse_test_total 1.0");
        assertThat(call("POST", "/metrics").headers()).containsEntry("Allow", "GET");
    }

    @Test
    void wrongMethodsAndUnknownPathsAreProblems() {
        Reply post = call("POST", "/status");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.headers()).containsEntry("Allow", "GET");
        assertThat(post.contentType()).isEqualTo(Problem.CONTENT_TYPE);
        assertThat(call("GET", "/reload").headers()).containsEntry("Allow", "POST");
        assertThat(call("GET", "/status/x").status()).isEqualTo(404);
        assertThat(call("GET", "/certificates/example.com").status()).isEqualTo(404);
        assertThat(call("DELETE", "/").headers()).containsEntry("Allow", "GET");
    }

    @Test
    void reloadMapsTheOutcome() {
        instance.reload = ReloadResult.applied(List.of("site \"b.example.com\" added"));
        assertThat(call("POST", "/reload").text()).isEqualTo("{\"applied\":true,\"changes\":[\"site \\\"b.example.com\\\" added\"]}");

        instance.reload = ReloadResult.refused(List.of("/x/gatehouse.yaml:3:5: unknown key \"upstrem\""));
        Reply refused = call("POST", "/reload");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.text()).contains("\"detail\":\"the config file has 1 error; the running config keeps serving\"",
                "\"errors\":[\"/x/gatehouse.yaml:3:5: unknown key \\\"upstrem\\\"\"]");
    }

    @Test
    void renewalNeedsAManagedSiteCertificate() {
        Reply started = call("POST", "/certificates/example.COM/renew");
        assertThat(started.status()).isEqualTo(202);
        assertThat(instance.renewed).containsExactly("example.com");

        assertThat(call("POST", "/certificates/nope.example.com/renew").text())
                .contains("is not a site of the running config (expected one of: example.com, own.example.com)");
        Reply own = call("POST", "/certificates/own.example.com/renew");
        assertThat(own.status()).isEqualTo(409);
        assertThat(own.text()).contains("your own certificate files");
        instance.tls = false;
        assertThat(call("POST", "/certificates/example.com/renew").text()).contains("HTTPS is off");
    }

    @Test
    void aFailingEndpointIsA500ProblemNotADroppedConnection() {
        AdminRouter broken = new AdminRouter(new Instance(instance.config) {
            @Override
            public ReloadResult reload() {
                throw new IllegalStateException("boom");
            }
        }, new AdminAccess(Optional.empty(), () -> 2019), new RecentErrors(10), () -> 2019, Clock.systemUTC());

        Reply r = broken.handle(AdminRequest.local("POST", "/reload", ""));

        assertThat(r.status()).isEqualTo(500);
        assertThat(r.text()).contains("boom");
    }

    @Test
    void sitesSummariseRoutes() {
        assertThat(call("GET", "/sites").text()).contains("own.pem does not exist","\"host\":\"example.com\"", "\"tls\":\"auto\"",
                "\"routes\":[{\"match\":\"*\",\"action\":\"upstream app\",\"upstream\":\"app\"}]",
                "\"host\":\"own.example.com\",\"tls\":\"files\"");
    }
}
