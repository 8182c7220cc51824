package dev.gatehouse.metrics;

import dev.gatehouse.config.Target;
import dev.gatehouse.testing.RawConnection;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.TlsProbe;
import dev.gatehouse.upstream.UpstreamPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code GET /metrics} on the admin listener of a real server, after real traffic. */
@Timeout(60)
class MetricsIT {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    private TestBackend backend;
    private TestBackend second;
    private TestGatehouse gh;

    @BeforeEach
    void startBackends() throws Exception {
        backend = TestBackend.echo("a");
        second = TestBackend.echo("b");
    }

    @AfterEach
    void stop() {
        if (gh != null) {
            gh.close();
        }
        backend.close();
        second.close();
    }

    private void startPlain() throws Exception {
        gh = TestGatehouse.start("""
                admin: { listen: "127.0.0.1:0" }
                sites:
                  app.test:
                    routes:
                      - path: /api/*
                        upstream: app
                      - path: /teapot
                        respond: { status: 418, body: "no" }
                upstreams:
                  app: { targets: [ %s ] }
                """.formatted(backend.address()), dir);
    }

    private HttpResponse<String> scrapeResponse() throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gh.server().adminPort() + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Scrape scrape() throws Exception {
        HttpResponse<String> r = scrapeResponse();
        assertThat(r.statusCode()).isEqualTo(200);
        return Scrape.parse(r.body());
    }

    /** Counting happens once the last byte is written, which a client may see a moment before: poll briefly. */
    private Scrape scrapeUntil(Predicate<Scrape> done) throws Exception {
        return TlsProbe.poll(Duration.ofSeconds(10), this::scrape, done);
    }

    private static RawConnection.Response exchange(RawConnection c, String method, String host, String path,
                                                   String body) throws Exception {
        String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                + (body == null ? "" : "Content-Length: " + body.length() + "\r\n") + "\r\n";
        c.send(head + (body == null ? "" : body));
        return c.read();
    }

    @Test
    void countsRequestsBySiteRouteMethodAndStatus() throws Exception {
        startPlain();
        HttpResponse<String> first = scrapeResponse();
        assertThat(first.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");

        try (RawConnection c = RawConnection.connect(gh.port())) {
            for (int i = 0; i < 3; i++) {
                assertThat(exchange(c, "GET", "app.test", "/api/" + i, null).status()).isEqualTo(200);
            }
            for (int i = 0; i < 2; i++) {
                assertThat(exchange(c, "POST", "app.test", "/api/form", "hello").status()).isEqualTo(200);
            }
            for (int i = 0; i < 2; i++) {
                assertThat(exchange(c, "GET", "app.test", "/teapot", null).status()).isEqualTo(418);
            }
            assertThat(exchange(c, "DELETE", "app.test", "/teapot", null).status()).isEqualTo(418);
            assertThat(exchange(c, "GET", "app.test", "/elsewhere", null).status()).isEqualTo(404);
            for (int i = 0; i < 2; i++) {
                assertThat(exchange(c, "GET", "unknown.test", "/", null).status()).isEqualTo(404);
            }

            Scrape s = scrapeUntil(x -> x.value("gatehouse_requests_total", "site", "_unknown", "route", "none",
                    "method", "GET", "status", "4xx") == 2);
            assertThat(s.value("gatehouse_requests_total", "site", "app.test", "route", "0", "method", "GET",
                    "status", "2xx")).isEqualTo(3);
            assertThat(s.value("gatehouse_requests_total", "site", "app.test", "route", "0", "method", "POST",
                    "status", "2xx")).isEqualTo(2);
            assertThat(s.value("gatehouse_requests_total", "site", "app.test", "route", "1", "method", "GET",
                    "status", "4xx")).isEqualTo(2);
            assertThat(s.value("gatehouse_requests_total", "site", "app.test", "route", "1", "method", "DELETE",
                    "status", "4xx")).isEqualTo(1);
            assertThat(s.value("gatehouse_requests_total", "site", "app.test", "route", "none", "method", "GET",
                    "status", "4xx")).isEqualTo(1);
            assertThat(s.value("gatehouse_requests_total", "site", "_unknown", "route", "none", "method", "GET",
                    "status", "4xx")).isEqualTo(2);
            assertThat(s.matching("gatehouse_requests_total")).hasSize(6);

            assertThat(s.value("gatehouse_request_duration_seconds_count", "site", "app.test", "status", "2xx"))
                    .isEqualTo(5);
            assertThat(s.value("gatehouse_request_duration_seconds_bucket", "site", "app.test", "status", "2xx",
                    "le", "+Inf")).isEqualTo(5);
            assertThat(s.value("gatehouse_request_duration_seconds_count", "site", "app.test", "status", "4xx"))
                    .isEqualTo(4);
            assertThat(s.value("gatehouse_received_bytes_total", "site", "app.test")).isEqualTo(10);
            assertThat(s.value("gatehouse_sent_bytes_total", "site", "app.test")).isGreaterThan(0);

            // The scrape's own connection is on the admin listener: only this client's connection is counted.
            assertThat(s.value("gatehouse_connections_open", "listener", "http", "protocol", "http1")).isEqualTo(1);

            assertThat(s.value("gatehouse_upstream_target_requests_total", "pool", "app", "target",
                    backend.address())).isEqualTo(5);
        }
        Scrape closed = scrapeUntil(x -> x.value("gatehouse_connections_open", "listener", "http",
                "protocol", "http1") == 0);
        assertThat(closed.value("gatehouse_connections_open", "listener", "http", "protocol", "http1")).isEqualTo(0);
    }

    @Test
    void upstreamTargetSeriesFollowThePool() throws Exception {
        startPlain();
        UpstreamPool pool = gh.server().upstreams().pool("app").orElseThrow();
        Scrape s = scrape();
        assertThat(s.value("gatehouse_upstream_target_health", "pool", "app", "target", backend.address(),
                "state", "unknown")).isEqualTo(1);
        assertThat(s.value("gatehouse_upstream_target_in_flight", "pool", "app", "target", backend.address()))
                .isEqualTo(0);
        assertThat(s.text()).doesNotContain(second.address());

        pool.add(new Target("127.0.0.1", second.port(), 100));
        s = scrape();
        assertThat(s.value("gatehouse_upstream_target_weight", "pool", "app", "target", second.address()))
                .isEqualTo(100);
        assertThat(s.value("gatehouse_upstream_target_requests_total", "pool", "app", "target", second.address()))
                .isEqualTo(0);
        assertThat(s.value("gatehouse_upstream_target_draining", "pool", "app", "target", second.address()))
                .isEqualTo(0);

        try (RawConnection c = RawConnection.connect(gh.port())) {
            for (int i = 0; i < 4; i++) {
                assertThat(exchange(c, "GET", "app.test", "/api/" + i, null).status()).isEqualTo(200);
            }
        }
        s = scrapeUntil(x -> x.value("gatehouse_upstream_target_requests_total", "pool", "app", "target",
                backend.address()) + x.value("gatehouse_upstream_target_requests_total", "pool", "app", "target",
                second.address()) == 4);
        assertThat(second.requestCount()).isPositive();
        assertThat(s.value("gatehouse_upstream_target_requests_total", "pool", "app", "target", second.address()))
                .isEqualTo(second.requestCount());

        assertThat(pool.remove(second.address())).isPresent();
        s = scrape();
        assertThat(s.text()).doesNotContain(second.address());
        assertThat(s.matching("gatehouse_upstream_target_weight")).extracting(x -> x.labels().get("target"))
                .containsExactly(backend.address());
    }

    @Test
    void certificateExpiryAndHandshakesOfALocalCaSite() throws Exception {
        gh = TestGatehouse.startListening("{ http: 0, https: 0, address: 127.0.0.1 }", """
                admin: { listen: "127.0.0.1:0" }
                sites:
                  localhost: { respond: { status: 200, body: "hello" } }
                """, dir);
        TlsProbe.Trust trust = TlsProbe.trusting(dir.resolve("data/local-ca/root.pem"));
        X509Certificate leaf = TlsProbe.leaf(gh.httpsPort(), "localhost", trust);
        assertThatThrownBy(() -> TlsProbe.connect(gh.httpsPort(), "nobody.test", trust))
                .isInstanceOf(SSLException.class);
        try (RawConnection plain = RawConnection.connect(gh.httpsPort())) {
            plain.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            plain.socket().getInputStream().readAllBytes(); // an alert, then the close
        }

        Scrape s = scrapeUntil(x -> x.value("gatehouse_tls_handshakes_total") == 3
                && x.value("gatehouse_connections_open", "listener", "https", "protocol", "http1") == 0);
        double expiry = s.value("gatehouse_certificate_expiry_seconds", "name", "localhost");
        double expected = leaf.getNotAfter().toInstant().getEpochSecond() - Instant.now().getEpochSecond();
        assertThat(expiry).isBetween(expected - 60, expected + 1).isPositive();
        assertThat(s.value("gatehouse_tls_handshakes_total")).isEqualTo(3);
        assertThat(s.value("gatehouse_tls_handshake_failures_total", "reason", "unrecognized_name")).isEqualTo(1);
        assertThat(s.value("gatehouse_tls_handshake_failures_total", "reason", "not_tls")).isEqualTo(1);
        assertThat(s.matching("gatehouse_tls_handshake_failures_total").stream().mapToDouble(Scrape.Sample::value)
                .sum()).isEqualTo(2);
        assertThat(s.value("gatehouse_connections_open", "listener", "https", "protocol", "http1")).isEqualTo(0);
        assertThat(s.value("gatehouse_acme_orders_total")).isEqualTo(0);
    }
}
