package dev.gatehouse.metrics;

import dev.gatehouse.config.Site;
import dev.gatehouse.upstream.UpstreamPool;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Gatehouse's metrics, one registry per server (no global registry): request counters and latency per site and
 * route, connections, TLS handshakes, upstream targets, certificates, ACME orders and reloads. Scraped in the
 * Prometheus text format by {@code GET /metrics} on the admin listener.
 *
 * <p>What is counted on the event loop (requests, connections, handshakes) goes through handles made ahead of time
 * ({@link RequestMeters}, {@link ConnectionCount}, {@link TlsHandshakes}). What lives elsewhere (upstream targets,
 * certificates, ACME and reload counts) is read at scrape time from suppliers given once with the {@code bind...}
 * methods; until then those series read 0 or are absent.
 */
public final class GatehouseMetrics {
    /** Prometheus text exposition format 0.0.4, what {@link #scrape()} writes. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final TlsHandshakes tls;
    private final Http2Errors http2Errors;
    private final UpstreamMeters upstreams;
    private final CanaryMeters canaries;
    private final CertificateMeters certificates;
    private final Map<String, ConnectionCount> connections = new ConcurrentHashMap<>();
    private final Map<String, ClientTimeoutMeters> clientTimeouts = new ConcurrentHashMap<>();
    private final Map<String, RefusedConnections> refused = new ConcurrentHashMap<>();
    private volatile Supplier<? extends Collection<UpstreamPool>> pools = List::of;
    private volatile Supplier<Map<String, Instant>> expiries = Map::of;
    private volatile LongSupplier acmeOrders = () -> 0;
    private volatile LongSupplier acmeFailures = () -> 0;
    private volatile LongSupplier reloads = () -> 0;
    private volatile LongSupplier reloadFailures = () -> 0;

    public GatehouseMetrics() {
        this(Clock.systemUTC());
    }

    /** @param clock for certificate expiry (tests move it) */
    public GatehouseMetrics(Clock clock) {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.tls = new TlsHandshakes(registry);
        this.http2Errors = new Http2Errors(registry);
        this.upstreams = new UpstreamMeters(registry);
        this.canaries = new CanaryMeters(registry);
        this.certificates = new CertificateMeters(registry, Objects.requireNonNull(clock, "clock"));
        counter("gatehouse.acme.orders", "ACME orders started", m -> m.acmeOrders.getAsLong());
        counter("gatehouse.acme.order.failures", "ACME orders that failed", m -> m.acmeFailures.getAsLong());
        counter("gatehouse.reloads", "configuration reloads that were applied", m -> m.reloads.getAsLong());
        counter("gatehouse.reload.failures", "configuration reloads that were refused",
                m -> m.reloadFailures.getAsLong());
    }

    private void counter(String name, String help, ToDoubleFunction<GatehouseMetrics> f) {
        FunctionCounter.builder(name, this, f).description(help).register(registry);
    }

    /** The registry, for tests and for code that adds meters of its own. */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * The request meters for one config's sites and routes: built when a config is compiled, used per request.
     * Sites of an earlier config share the same series (same names and labels).
     */
    public RequestMeters requestMeters(Collection<Site> sites) {
        return new RequestMeters(registry, sites);
    }

    /**
     * The open-connection gauge of one listener ({@code http}, {@code https}, ...) and protocol ({@code http1},
     * {@code h2}); the same handle for the same pair.
     */
    public ConnectionCount openConnections(String listener, String protocol) {
        return connections.computeIfAbsent(listener + '\0' + protocol,
                k -> new ConnectionCount(registry, listener, protocol));
    }

    /** Connections of one listener cut by a client timeout (slow head or body, or silent); one handle per listener. */
    public ClientTimeoutMeters clientTimeoutMeters(String listener) {
        return clientTimeouts.computeIfAbsent(listener, l -> new ClientTimeoutMeters(registry, l));
    }

    /** Connections of one listener refused because {@code limits.max_connections} were open. */
    public RefusedConnections refusedConnections(String listener) {
        return refused.computeIfAbsent(listener, l -> new RefusedConnections(registry, l));
    }

    /** Handshake counters of the HTTPS listeners. */
    public TlsHandshakes tlsHandshakes() {
        return tls;
    }

    /** The HTTP/2 errors answered to clients, by code: its frame meter goes into every client HTTP/2 codec. */
    public Http2Errors http2Errors() {
        return http2Errors;
    }

    /** The upstream pools whose targets are reported, read at every scrape (so targets may come and go). */
    public void bindUpstreams(Supplier<? extends Collection<UpstreamPool>> pools) {
        this.pools = Objects.requireNonNull(pools, "pools");
    }

    /** The served certificates' expiry times by name, read at every scrape. */
    public void bindCertificates(Supplier<Map<String, Instant>> expiries) {
        this.expiries = Objects.requireNonNull(expiries, "expiries");
    }

    /** ACME orders started and failed since start. */
    public void bindAcme(LongSupplier orders, LongSupplier failures) {
        this.acmeOrders = Objects.requireNonNull(orders, "orders");
        this.acmeFailures = Objects.requireNonNull(failures, "failures");
    }

    /** Configuration reloads applied and refused since start. */
    public void bindReloads(LongSupplier applied, LongSupplier failed) {
        this.reloads = Objects.requireNonNull(applied, "applied");
        this.reloadFailures = Objects.requireNonNull(failed, "failed");
    }

    /**
     * Everything in the Prometheus text format ({@link #CONTENT_TYPE}). Brings the per-target and per-certificate
     * series up to date first: new ones appear, those of removed targets and certificates disappear.
     */
    public synchronized String scrape() {
        upstreams.sync(pools.get());
        canaries.sync(pools.get());
        certificates.sync(expiries.get());
        return registry.scrape();
    }
}
