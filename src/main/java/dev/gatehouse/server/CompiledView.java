package dev.gatehouse.server;

import dev.gatehouse.cache.ResponseCache;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.http.ClientAddresses;
import dev.gatehouse.explain.CompiledConfig;
import dev.gatehouse.metrics.GatehouseMetrics;
import dev.gatehouse.proxy.ConnectionPool;
import dev.gatehouse.routing.Router;
import dev.gatehouse.stages.AccessServices;
import dev.gatehouse.stages.BodyBuffers;
import dev.gatehouse.stages.Chains;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.StorageException;
import dev.gatehouse.certificates.CertificateInventory;
import dev.gatehouse.certificates.CertificateStatus;
import dev.gatehouse.upstream.UpstreamPool;
import dev.gatehouse.upstream.Upstreams;

import java.util.Optional;
import java.util.function.Function;

/**
 * A compiled config for {@code gatehouse explain}: the running server's routing (one snapshot, read once), or a config
 * compiled from a file exactly as {@code run} compiles it ({@link GatehouseServer#compile}), with nothing bound,
 * started or connected.
 */
public final class CompiledView implements CompiledConfig {
    private final Routing routing;
    private final Function<String, Optional<UpstreamPool>> pools;
    private final int httpPort;
    private final int httpsPort;
    private final String origin;
    private final boolean live;

    private CompiledView(Routing routing, Function<String, Optional<UpstreamPool>> pools, int httpPort, int httpsPort,
                         String origin, boolean live) {
        this.routing = routing;
        this.pools = pools;
        this.httpPort = httpPort;
        this.httpsPort = httpsPort;
        this.origin = origin;
        this.live = live;
    }

    /** The running server's routing, pools, ports and certificates, as they are now. */
    static CompiledView live(GatehouseServer server, Routing routing) {
        return new CompiledView(routing, server.upstreams()::pool, server.httpPort(), server.httpsPort(),
                "config " + routing.config().source() + ": live health, weights and certificates", true);
    }

    /**
     * {@code config} compiled as {@code run} would, without starting anything: pools as the file defines them (no
     * health checked yet), ports as configured (0: a free port picked at start, shown as the scheme's default).
     */
    public static CompiledView offline(GatehouseConfig config) {
        Transport transport = Transport.nio();
        ConnectionPool connections = new ConnectionPool(transport.socketChannel(), config.timeouts().connect(),
                config.timeouts().idle());
        Upstreams upstreams = new Upstreams(config.upstreams().values(), transport.socketChannel(), () -> {
            throw new IllegalStateException("explain starts no health checks");
        });
        GatehouseMetrics metrics = new GatehouseMetrics();
        ServerState state = new ServerState(metrics, new BodyBuffers(config.storage().resolve("tmp")),
                AccessServices.inMemory(transport.socketChannel()));
        // Never started: nothing read from disk, nothing stored; a lookup would find nothing.
        ResponseCache cache = new ResponseCache(config.cache(), Runnable::run, metrics.registry());
        int https = config.listen().https().isPresent() ? port(config.listen().https().getAsInt(), 443) : -1;
        state.httpsPort(https);
        Routing routing = GatehouseServer.compile(config, connections, upstreams, state, cache);
        int http = config.listen().http().isPresent() ? port(config.listen().http().getAsInt(), 80) : -1;
        return new CompiledView(routing, upstreams::pool, http, https, "the file " + config.source()
                + " (no running instance asked: health unknown, weights as written)", false);
    }

    private static int port(int configured, int zero) {
        return configured == 0 ? zero : configured;
    }

    @Override
    public GatehouseConfig config() {
        return routing.config();
    }

    @Override
    public Router<Chains> router() {
        return routing.router();
    }

    @Override
    public Chains unknownHost() {
        return routing.unknownHost();
    }

    @Override
    public ClientAddresses clients() {
        return routing.clients();
    }

    @Override
    public Optional<UpstreamPool> pool(String name) {
        return pools.apply(name);
    }

    @Override
    public int httpPort() {
        return httpPort;
    }

    @Override
    public int httpsPort() {
        return httpsPort;
    }

    @Override
    public Optional<CertificateStatus> certificate(String name) {
        try {
            return new CertificateInventory(config(), new CertificateStore(new FileStorage(config().storage()))).status(name);
        } catch (StorageException e) {
            return Optional.empty();
        }
    }

    @Override
    public String origin() {
        return origin;
    }

    @Override
    public boolean live() {
        return live;
    }
}
