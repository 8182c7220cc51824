package dev.gatehouse.access;

import dev.gatehouse.auth.PasswordHasher;
import dev.gatehouse.testing.Curl;
import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** allow/deny, rate and connection limits and basic auth end to end, with real clients. */
@Timeout(120)
class AccessControlIT {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private HttpResponse<String> get(TestGatehouse gh, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gh.uri(path)).timeout(Duration.ofSeconds(20))
                .header("Host", "example.test");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String site(String siteKeys, String routes, TestBackend backend) {
        return """
                trusted_proxies: [127.0.0.1]
                sites:
                  example.test:
                %s
                    routes:
                %s
                upstreams:
                  app: { targets: [%s] }
                """.formatted(siteKeys.indent(4).stripTrailing(), routes.indent(6).stripTrailing(), backend.address());
    }

    @Test
    void allowAndDenyWithIpv4AndIpv6Clients() throws Exception {
        try (TestBackend backend = TestBackend.echo("app");
             TestGatehouse gh = TestGatehouse.startListening("{ http: 0, https: off, address: \"::\" }", """
                     sites:
                       example.test:
                         deny: [127.0.0.3]
                         allow: [127.0.0.0/8, "::1"]
                         routes:
                           - path: /v6only/*
                             allow: ["::1/128"]
                             upstream: app
                           - upstream: app
                     upstreams:
                       app: { targets: [%s] }
                     """.formatted(backend.address()), Files.createTempDirectory("gatehouse-acl"))) {
            String v4 = "http://127.0.0.1:" + gh.port();
            String v6 = "http://[::1]:" + gh.port();
            assertThat(Curl.run("-H", "Host: example.test", "--interface", "127.0.0.2", v4 + "/").status()).isEqualTo(200);
            Curl.Response denied = Curl.run("-H", "Host: example.test", "--interface", "127.0.0.3", v4 + "/");
            assertThat(denied.status()).isEqualTo(403);
            assertThat(denied.body()).contains("403 Forbidden");
            assertThat(Curl.run("-6", "-H", "Host: example.test", v6 + "/").status()).isEqualTo(200);
            // the route's allow replaces the site's: only ::1 there
            assertThat(Curl.run("-6", "-H", "Host: example.test", v6 + "/v6only/x").status()).isEqualTo(200);
            assertThat(Curl.run("-H", "Host: example.test", "--interface", "127.0.0.2", v4 + "/v6only/x").status())
                    .isEqualTo(403);
            // the site's deny still applies on that route (a different key)
            assertThat(Curl.run("-H", "Host: example.test", "--interface", "127.0.0.3", v4 + "/v6only/x").status())
                    .isEqualTo(403);
            assertThat(backend.requestCount()).isEqualTo(3);
        }
    }

    @Test
    void rateLimitBurstRetryAfterSeparateKeysAndHeaders() throws Exception {
        try (TestBackend backend = TestBackend.echo("app");
             TestGatehouse gh = TestGatehouse.start(site("rate_limit: { rate: 1/m, burst: 2 }",
                     "- upstream: app", backend))) {
            List<Integer> statuses = new ArrayList<>();
            HttpResponse<String> last = null;
            for (int i = 0; i < 4; i++) {
                last = get(gh, "/", "X-Forwarded-For", "192.0.2.1");
                statuses.add(last.statusCode());
            }
            assertThat(statuses).containsExactly(200, 200, 200, 429);
            long retryAfter = Long.parseLong(last.headers().firstValue("retry-after").orElseThrow());
            assertThat(retryAfter).isBetween(1L, 60L);
            assertThat(last.headers().firstValue("ratelimit-policy")).hasValue("\"client_ip\";q=1;w=60");
            assertThat(last.headers().firstValue("ratelimit")).hasValue("\"client_ip\";r=0;t=" + retryAfter);
            assertThat(last.body()).contains("429 Too Many Requests");
            // another client has a bucket of its own
            assertThat(get(gh, "/", "X-Forwarded-For", "192.0.2.2").statusCode()).isEqualTo(200);
            assertThat(backend.requestCount()).isEqualTo(4);
        }
    }

    @Test
    void rateLimitRefillsAtTheRate() throws Exception {
        try (TestBackend backend = TestBackend.echo("app");
             TestGatehouse gh = TestGatehouse.start(site("rate_limit: { rate: 1/3s }", "- upstream: app", backend))) {
            assertThat(get(gh, "/").statusCode()).isEqualTo(200);
            long first = System.nanoTime();
            HttpResponse<String> refused = get(gh, "/");
            assertThat(refused.statusCode()).isEqualTo(429);
            long waited = (System.nanoTime() - first) / 1_000_000_000L;
            // what is left of the 3 s interval, rounded up to whole seconds
            assertThat(Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow()))
                    .isBetween(Math.max(1, 3 - waited - 1), 3L);
            Thread.sleep(Math.max(0, 3200 - (System.nanoTime() - first) / 1_000_000));
            assertThat(get(gh, "/").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void stackedLimitsPerClientAndPerSiteAndAPerRouteOverride() throws Exception {
        try (TestBackend backend = TestBackend.echo("app");
             TestGatehouse gh = TestGatehouse.start(site("""
                     rate_limit:
                       - { rate: 1/m, burst: 1, key: client_ip }
                       - { rate: 1/m, burst: 2, key: site }
                     """, """
                     - path: /open/*
                       upstream: app
                       rate_limit: { rate: 1/m, burst: 5, key: header X-Api-Key }
                     - upstream: app
                     """, backend))) {
            String seen = "";
            for (String who : new String[] {"192.0.2.1", "192.0.2.1", "192.0.2.1", "192.0.2.2", "192.0.2.3"}) {
                seen += get(gh, "/", "X-Forwarded-For", who).statusCode() + " ";
            }
            // 192.0.2.1: two pass, its third is its own limit's; 192.0.2.2 takes the site's last; then the site is full
            assertThat(seen).isEqualTo("200 200 429 200 429 ");
            // the route's limit replaces the site's: keyed by the header, other keys separate, none without it
            for (int i = 0; i < 6; i++) {
                assertThat(get(gh, "/open/x", "X-Api-Key", "k1").statusCode()).isEqualTo(200);
            }
            assertThat(get(gh, "/open/x", "X-Api-Key", "k1").statusCode()).isEqualTo(429);
            assertThat(get(gh, "/open/x", "X-Api-Key", "k2").statusCode()).isEqualTo(200);
            assertThat(get(gh, "/open/x").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void connLimitCountsRequestsInFlightPerClient() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (TestBackend backend = TestBackend.start("slow", ex -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
             TestGatehouse gh = TestGatehouse.start(site("conn_limit: { per_client: 2 }", "- upstream: app",
                     backend))) {
            List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                held.add(http.sendAsync(HttpRequest.newBuilder(gh.uri("/")).header("Host", "example.test").build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (backend.requestCount() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(get(gh, "/").statusCode()).isEqualTo(429);
            release.countDown();
            for (CompletableFuture<HttpResponse<String>> f : held) {
                assertThat(f.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            assertThat(get(gh, "/").statusCode()).isEqualTo(200); // slots given back
        }
    }

    @Test
    void basicAuthWithBcryptAndArgon2id() throws Exception {
        PasswordHasher hasher = new PasswordHasher();
        try (TestBackend backend = TestBackend.echo("app");
             LogCapture access = LogCapture.of("gatehouse.access");
             TestGatehouse gh = TestGatehouse.start(site("""
                     basic_auth:
                       realm: Staff
                       users:
                         alice: "%s"
                         bob: "%s"
                     """.formatted(hasher.bcrypt("wonderland", 6), hasher.argon2id("builder")), """
                     - path: /public/*
                       upstream: app
                       basic_auth: { users: { carol: "%s" }, forward_authorization: true }
                     - upstream: app
                     """.formatted(hasher.bcrypt("c", 4)), backend))) {
            HttpResponse<String> none = get(gh, "/");
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("www-authenticate")).hasValue("Basic realm=\"Staff\", charset=\"UTF-8\"");
            assertThat(get(gh, "/", "Authorization", basic("alice", "wrong")).statusCode()).isEqualTo(401);
            assertThat(get(gh, "/", "Authorization", basic("mallory", "wonderland")).statusCode()).isEqualTo(401);
            for (int i = 0; i < 2; i++) { // the second time from memory
                HttpResponse<String> alice = get(gh, "/", "Authorization", basic("alice", "wonderland"));
                assertThat(alice.statusCode()).isEqualTo(200);
                assertThat(alice.body()).doesNotContain("authorization");
                HttpResponse<String> bob = get(gh, "/", "Authorization", basic("bob", "builder"));
                assertThat(bob.statusCode()).isEqualTo(200);
            }
            assertThat(access.await(l -> l.contains(" - bob ["), Duration.ofSeconds(5))).isNotNull();
            // the route's own users; its realm defaults to the site's name; it forwards the header when asked
            HttpResponse<String> other = get(gh, "/public/x", "Authorization", basic("alice", "wonderland"));
            assertThat(other.statusCode()).isEqualTo(401);
            assertThat(other.headers().firstValue("www-authenticate")).hasValue("Basic realm=\"example.test\", charset=\"UTF-8\"");
            HttpResponse<String> carol = get(gh, "/public/x", "Authorization", basic("carol", "c"));
            assertThat(carol.statusCode()).isEqualTo(200);
            assertThat(carol.body()).contains("header: authorization: Basic");
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
    }

    @Test
    void routesWithoutRulesAreUnaffected() throws Exception {
        try (TestBackend backend = TestBackend.echo("app");
             TestGatehouse gh = TestGatehouse.start("""
                     sites:
                       example.test: { upstream: app }
                       limited.test: { upstream: app, rate_limit: { rate: 1/m } }
                     upstreams:
                       app: { targets: [%s] }
                     """.formatted(backend.address()))) {
            for (int i = 0; i < 5; i++) {
                assertThat(get(gh, "/").statusCode()).isEqualTo(200);
            }
            URI limited = gh.uri("/");
            int first = http.send(HttpRequest.newBuilder(limited).header("Host", "limited.test").build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
            int second = http.send(HttpRequest.newBuilder(limited).header("Host", "limited.test").build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
            assertThat(List.of(first, second)).containsExactly(200, 429);
        }
    }
}
