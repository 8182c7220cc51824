package dev.gatehouse.metrics;

import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.Route;
import dev.gatehouse.config.Site;
import dev.gatehouse.config.Target;
import dev.gatehouse.config.Upstream;
import dev.gatehouse.tls.UnrecognizedNameException;
import dev.gatehouse.upstream.UpstreamPool;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class GatehouseMetricsTest {
    private static final String YAML = """
            sites:
              app.test:
                routes:
                  - path: /api/*
                    upstream: app
                  - respond: { status: 204 }
              other.test: { respond: { status: 200 } }
            upstreams:
              app: { targets: [ "127.0.0.1:9" ] }
            """;

    private final GatehouseMetrics metrics = new GatehouseMetrics();

    private static GatehouseConfig config() throws Exception {
        return ConfigLoader.parse(YAML, Path.of("gatehouse.yaml"));
    }

    private Scrape scrape() {
        return Scrape.parse(metrics.scrape());
    }

    @Test
    void requestsAreCountedBySiteRouteMethodAndStatusClass() throws Exception {
        GatehouseConfig config = config();
        RequestMeters meters = metrics.requestMeters(config.sites().values());
        Site app = config.sites().values().stream().filter(s -> s.host().equals("app.test")).findFirst().orElseThrow();
        Route api = app.routes().get(0);
        Route fallback = app.routes().get(1);

        for (int i = 0; i < 3; i++) {
            meters.route(api).record(HttpMethod.GET, 200, TimeUnit.MILLISECONDS.toNanos(2), 0, 100);
        }
        meters.route(api).record(HttpMethod.POST, 502, TimeUnit.MILLISECONDS.toNanos(30), 7, 20);
        meters.route(fallback).record(HttpMethod.valueOf("PATCH"), 204, 1000, 0, 0);
        meters.unmatched(app).record(HttpMethod.GET, 404, 1000, 0, 10);
        meters.unmatched(null).record(HttpMethod.DELETE, 404, 1000, 0, 10);

        Scrape s = scrape();
        assertThat(s.value("gatehouse_requests_total", "site", "app.test", "route", "0", "method", "GET",
                "status", "2xx")).isEqualTo(3);
        assertThat(s.value("gatehouse_requests_total", "site", "app.test", "route", "0", "method", "POST",
                "status", "5xx")).isEqualTo(1);
        assertThat(s.value("gatehouse_requests_total", "site", "app.test", "route", "1", "method", "OTHER",
                "status", "2xx")).isEqualTo(1);
        assertThat(s.value("gatehouse_requests_total", "site", "app.test", "route", "none", "method", "GET",
                "status", "4xx")).isEqualTo(1);
        assertThat(s.value("gatehouse_requests_total", "site", "_unknown", "route", "none", "method", "DELETE",
                "status", "4xx")).isEqualTo(1);
        // Only what happened has a series: no zero rows for every method and status of every route.
        assertThat(s.matching("gatehouse_requests_total")).hasSize(5);

        assertThat(s.value("gatehouse_request_duration_seconds_count", "site", "app.test", "status", "2xx"))
                .isEqualTo(4);
        assertThat(s.value("gatehouse_request_duration_seconds_bucket", "site", "app.test", "status", "2xx",
                "le", "0.005")).isEqualTo(4);
        assertThat(s.value("gatehouse_request_duration_seconds_bucket", "site", "app.test", "status", "5xx",
                "le", "0.025")).isEqualTo(0);
        assertThat(s.value("gatehouse_request_duration_seconds_bucket", "site", "app.test", "status", "5xx",
                "le", "0.05")).isEqualTo(1);
        assertThat(s.value("gatehouse_received_bytes_total", "site", "app.test")).isEqualTo(7);
        assertThat(s.value("gatehouse_sent_bytes_total", "site", "app.test")).isEqualTo(330);
        assertThat(s.value("gatehouse_sent_bytes_total", "site", "other.test")).isEqualTo(0);
    }

    @Test
    void aNewConfigCountsIntoTheSameSeries() throws Exception {
        GatehouseConfig first = config();
        GatehouseConfig second = config();
        Route r1 = first.sites().values().iterator().next().routes().get(0);
        Route r2 = second.sites().values().iterator().next().routes().get(0);
        metrics.requestMeters(first.sites().values()).route(r1).record(HttpMethod.GET, 200, 1, 0, 0);
        metrics.requestMeters(second.sites().values()).route(r2).record(HttpMethod.GET, 200, 1, 0, 0);
        // A route object of another config (e.g. a request that straddled a reload) counts as unknown.
        metrics.requestMeters(second.sites().values()).route(r1).record(HttpMethod.GET, 200, 1, 0, 0);

        Scrape s = scrape();
        String site = first.sites().values().iterator().next().host();
        assertThat(s.value("gatehouse_requests_total", "site", site, "route", "0", "method", "GET", "status", "2xx"))
                .isEqualTo(2);
        assertThat(s.value("gatehouse_requests_total", "site", "_unknown", "route", "none", "method", "GET",
                "status", "2xx")).isEqualTo(1);
    }

    @Test
    void classesOfStatusAndMethod() {
        assertThat(RouteMeters.statusClass(101)).isEqualTo(0);
        assertThat(RouteMeters.statusClass(204)).isEqualTo(1);
        assertThat(RouteMeters.statusClass(308)).isEqualTo(2);
        assertThat(RouteMeters.statusClass(499)).isEqualTo(3);
        assertThat(RouteMeters.statusClass(599)).isEqualTo(4);
        assertThat(RouteMeters.statusClass(0)).isEqualTo(3);
        assertThat(RouteMeters.statusClass(600)).isEqualTo(3);
        assertThat(RouteMeters.methodClass(HttpMethod.GET)).isEqualTo(0);
        assertThat(RouteMeters.methodClass(new HttpMethod("GET"))).isEqualTo(0);
        assertThat(RouteMeters.methodClass(HttpMethod.DELETE)).isEqualTo(4);
        assertThat(RouteMeters.methodClass(HttpMethod.OPTIONS)).isEqualTo(5);
        assertThat(RouteMeters.methodClass(new HttpMethod("BREW"))).isEqualTo(5);
    }

    @Test
    void upstreamTargetSeriesFollowThePool() {
        UpstreamPool pool = new UpstreamPool(new Upstream("api", List.of(new Target("10.0.0.1", 8080, 100))));
        metrics.bindUpstreams(() -> List.of(pool));
        Scrape s = scrape();
        assertThat(s.value("gatehouse_upstream_target_health", "pool", "api", "target", "10.0.0.1:8080",
                "state", "unknown")).isEqualTo(1);
        assertThat(s.value("gatehouse_upstream_target_health", "pool", "api", "target", "10.0.0.1:8080",
                "state", "healthy")).isEqualTo(0);
        assertThat(s.value("gatehouse_upstream_target_weight", "pool", "api", "target", "10.0.0.1:8080"))
                .isEqualTo(100);
        assertThat(s.value("gatehouse_upstream_target_requests_total", "pool", "api", "target", "10.0.0.1:8080"))
                .isEqualTo(0);

        pool.add(new Target("10.0.0.2", 8080, 50));
        s = scrape();
        assertThat(s.value("gatehouse_upstream_target_weight", "pool", "api", "target", "10.0.0.2:8080"))
                .isEqualTo(50);
        assertThat(s.value("gatehouse_upstream_target_in_flight", "pool", "api", "target", "10.0.0.2:8080"))
                .isEqualTo(0);

        pool.remove("10.0.0.2:8080");
        s = scrape();
        assertThat(s.matching("gatehouse_upstream_target_weight")).extracting(m -> m.labels().get("target"))
                .containsExactly("10.0.0.1:8080");
        assertThat(s.text()).doesNotContain("10.0.0.2");
    }

    @Test
    void certificateExpiryIsSecondsLeftAtScrapeTime() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        GatehouseMetrics m = new GatehouseMetrics(Clock.fixed(now, ZoneOffset.UTC));
        Map<String, Instant> served = new HashMap<>(Map.of("a.test", now.plusSeconds(3600),
                "b.test", now.minusSeconds(60)));
        m.bindCertificates(() -> Map.copyOf(served));
        Scrape s = Scrape.parse(m.scrape());
        assertThat(s.value("gatehouse_certificate_expiry_seconds", "name", "a.test")).isEqualTo(3600);
        assertThat(s.value("gatehouse_certificate_expiry_seconds", "name", "b.test")).isEqualTo(-60);

        served.remove("b.test");
        served.put("a.test", now.plusSeconds(7200)); // renewed
        s = Scrape.parse(m.scrape());
        assertThat(s.value("gatehouse_certificate_expiry_seconds", "name", "a.test")).isEqualTo(7200);
        assertThat(s.matching("gatehouse_certificate_expiry_seconds")).hasSize(1);
    }

    @Test
    void acmeAndReloadCountersReadTheirSuppliers() {
        Scrape s = scrape();
        assertThat(s.value("gatehouse_acme_orders_total")).isEqualTo(0);
        assertThat(s.value("gatehouse_reloads_total")).isEqualTo(0);
        AtomicLong reloads = new AtomicLong(3);
        metrics.bindAcme(() -> 5, () -> 2);
        metrics.bindReloads(reloads::get, () -> 1);
        reloads.incrementAndGet();
        s = scrape();
        assertThat(s.value("gatehouse_acme_orders_total")).isEqualTo(5);
        assertThat(s.value("gatehouse_acme_order_failures_total")).isEqualTo(2);
        assertThat(s.value("gatehouse_reloads_total")).isEqualTo(4);
        assertThat(s.value("gatehouse_reload_failures_total")).isEqualTo(1);
    }

    @Test
    void openConnectionsPerListenerAndProtocol() {
        ConnectionCount http = metrics.openConnections("http", "http1");
        assertThat(metrics.openConnections("http", "http1")).isSameAs(http);
        http.opened();
        http.opened();
        http.closed();
        metrics.openConnections("https", "h2").opened();
        Scrape s = scrape();
        assertThat(s.value("gatehouse_connections_open", "listener", "http", "protocol", "http1")).isEqualTo(1);
        assertThat(s.value("gatehouse_connections_open", "listener", "https", "protocol", "h2")).isEqualTo(1);
    }

    @Test
    void handshakeFailuresAreCountedByReason() {
        TlsHandshakes tls = metrics.tlsHandshakes();
        tls.succeeded();
        tls.failed(new UnrecognizedNameException("nope.test"));
        tls.failed(new DecoderException(new NotSslRecordException("not an SSL/TLS record")));
        tls.failed(new SslHandshakeTimeoutException("handshake timed out after 10000ms"));
        tls.failed(new ClosedChannelException());
        tls.failed(new SSLHandshakeException("Connection closed while SSL/TLS handshake was in progress"));
        tls.failed(new SSLHandshakeException("no cipher suites in common"));
        tls.failed(new IllegalStateException("?"));
        Scrape s = scrape();
        assertThat(s.value("gatehouse_tls_handshakes_total")).isEqualTo(8);
        assertThat(s.value("gatehouse_tls_handshake_failures_total", "reason", "unrecognized_name")).isEqualTo(1);
        assertThat(s.value("gatehouse_tls_handshake_failures_total", "reason", "not_tls")).isEqualTo(1);
        assertThat(s.value("gatehouse_tls_handshake_failures_total", "reason", "timeout")).isEqualTo(1);
        assertThat(s.value("gatehouse_tls_handshake_failures_total", "reason", "closed")).isEqualTo(2);
        assertThat(s.value("gatehouse_tls_handshake_failures_total", "reason", "protocol")).isEqualTo(1);
        assertThat(s.value("gatehouse_tls_handshake_failures_total", "reason", "other")).isEqualTo(1);
    }

    @Test
    void eachServerHasItsOwnRegistry() {
        GatehouseMetrics other = new GatehouseMetrics();
        other.tlsHandshakes().succeeded();
        assertThat(Scrape.parse(other.scrape()).value("gatehouse_tls_handshakes_total")).isEqualTo(1);
        assertThat(scrape().value("gatehouse_tls_handshakes_total")).isEqualTo(0);
    }
}
