package dev.gatehouse.server;

import dev.gatehouse.admin.AdminServer;
import dev.gatehouse.cache.ResponseCache;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.ReloadResult;
import dev.gatehouse.config.Route;
import dev.gatehouse.config.Site;
import dev.gatehouse.http.ClientAddresses;
import dev.gatehouse.metrics.GatehouseMetrics;
import dev.gatehouse.proxy.ConnectionPool;
import dev.gatehouse.routing.NotFoundHandler;
import dev.gatehouse.routing.Router;
import dev.gatehouse.stages.AccessServices;
import dev.gatehouse.stages.Chains;
import dev.gatehouse.stages.StageCompiler;
import dev.gatehouse.stages.BodyBuffers;
import dev.gatehouse.stages.StageServices;
import dev.gatehouse.upstream.Upstreams;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The running server: listeners, event loops and the current routing. {@link #start()} binds, {@link #reload()}
 * applies the config file's changes without dropping a connection, {@link #stop} stops accepting, lets in-flight
 * requests finish within a grace period, then closes everything.
 */
public final class GatehouseServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GatehouseServer.class);

    private final GatehouseConfig config;
    private final Transport transport;
    private final ServerState state;
    private final Upstreams upstreams;
    private final Optional<AdminServer> admin;
    private final Listeners listeners;
    private final GatehouseMetrics metrics;
    private final Optional<TlsRuntime> tls;
    private final Reloader reloader;
    private final ConfigWatcher watcher;
    /** Disk reads and writes of the response cache: one thread, so that a slow disk never holds an event loop. */
    private final ExecutorService cacheIo = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cache-io");
        t.setDaemon(true);
        return t;
    });
    private final ResponseCache cache;

    public GatehouseServer(GatehouseConfig config) {
        this(config, Transport.best());
    }

    public GatehouseServer(GatehouseConfig config, Transport transport) {
        this.config = Objects.requireNonNull(config, "config");
        this.transport = transport;
        this.metrics = new GatehouseMetrics();
        this.cache = new ResponseCache(config.cache(), cacheIo, metrics.registry());
        ConnectionPool connections = new ConnectionPool(transport.socketChannel(),
                config.timeouts().connect(), config.timeouts().idle());
        // Not moved by a reload: storage needs a restart (see Reloader).
        this.state = new ServerState(metrics, new BodyBuffers(config.storage().resolve("tmp")),
                AccessServices.inMemory(transport.socketChannel()));
        // Health checks run on a one-thread group of their own, never on the proxy's event loops.
        this.upstreams = new Upstreams(config.upstreams().values(), transport.socketChannel(),
                () -> transport.newGroup(1));
        this.admin = config.admin().map(a -> new AdminServer(a, new AdminView(this), () -> transport.newGroup(1),
                transport.serverChannel()));
        state.routing(compile(config, connections, upstreams, state, cache));
        this.listeners = new Listeners(transport);
        this.tls = config.listen().https().isPresent()
                ? Optional.of(new TlsRuntime(config, state.http01(), () -> TlsRuntime.typesFor(
                        listeners.port(Listeners.Kind.HTTP) >= 0, state.httpsPort() >= 0)))
                : Optional.empty();
        this.watcher = new ConfigWatcher(config.source(), () -> reloadAsync("file change"));
        this.reloader = new Reloader(config, state, listeners, upstreams, connections, tls,
                next -> compile(next, connections, upstreams, state, cache), this::initializer, watcher::reading);
        metrics.bindUpstreams(() -> upstreams.pools().values());
        metrics.bindReloads(() -> reloader.stats().reloads() - reloader.stats().failed(), () -> reloader.stats().failed());
        tls.ifPresent(t -> {
            metrics.bindCertificates(t.registry()::expiries);
            metrics.bindAcme(t.manager()::acmeOrders, t.manager()::acmeFailures);
        });
    }

    private HttpInitializer initializer(Listeners.Kind kind) {
        return new HttpInitializer(state, kind == Listeners.Kind.HTTPS
                ? Optional.of(tls.orElseThrow().registry()) : Optional.empty());
    }

    private static Routing compile(GatehouseConfig config, ConnectionPool connections, Upstreams upstreams,
                                   ServerState state, ResponseCache cache) {
        Handlers handlers = new Handlers(config, connections, upstreams);
        StageCompiler stages = new StageCompiler(new StageServices(state::httpsPort, state.http01(),
                config.limits(), state.bodies(), state.access(), cache));
        Router<Chains> router = Router.build(config, new Router.Compiler<>() {
            @Override
            public Chains route(Site site, Route route) {
                return stages.route(site, route, handlers.create(route.action()));
            }

            @Override
            public Chains noRoute(Site site) {
                return stages.noRoute(site, NotFoundHandler.NO_ROUTE);
            }
        });
        return new Routing(config, router, stages.unknownHost(NotFoundHandler.UNKNOWN_HOST),
                new RequestGuard(config.limits()), new AccessLogger(config.accessLog()),
                state.metrics().requestMeters(config.sites().values()), new ClientAddresses(config.trustedProxies()));
    }

    /**
     * Binds every listener first, so that a port in use fails the start at once, before anything slow or lasting is
     * done (the local CA, certificates); then puts certificates in place, lets the listeners accept, and starts ACME
     * issuance (whose challenges need the listeners). Throws {@link ListenerBindException} naming the listener
     * whose port cannot be bound, or when storage cannot be opened; nothing is left running then.
     */
    public void start() throws InterruptedException, IOException {
        config.accessLog().file().ifPresent(AccessLogFile::install);
        listeners.start();
        Optional<List<Channel>> https = Optional.empty();
        Optional<List<Channel>> http = Optional.empty();
        try {
            // Bound, but accepting nothing before put(): clients wait in the backlog while certificates load.
            if (tls.isPresent()) {
                https = Optional.of(bind(Listeners.Kind.HTTPS, config.listen().https().getAsInt()));
            }
            if (config.listen().http().isPresent()) {
                http = Optional.of(bind(Listeners.Kind.HTTP, config.listen().http().getAsInt()));
            }
            // Before the certificates, so that errors while loading them already show on the dashboard.
            if (admin.isPresent()) {
                startAdmin(admin.get());
            }
            cache.start();
            upstreams.start();
            state.bodies().start();
            if (https.isPresent()) {
                tls.orElseThrow().load();
                listeners.put(Listeners.Kind.HTTPS, https.get());
                state.httpsPort(listeners.port(Listeners.Kind.HTTPS));
                log.info("listening for https on {}", listeners.describe(Listeners.Kind.HTTPS));
            }
            if (http.isPresent()) {
                listeners.put(Listeners.Kind.HTTP, http.get());
                log.info("listening for http on {} (transport {})", listeners.describe(Listeners.Kind.HTTP),
                        transport.name());
            }
            tls.ifPresent(TlsRuntime::start);
            watcher.start();
        } catch (RuntimeException | InterruptedException | IOException e) {
            // Bound but not yet put in place: close() would not see them.
            https.ifPresent(l -> l.forEach(Channel::close));
            http.ifPresent(l -> l.forEach(Channel::close));
            close();
            throw e;
        }
    }

    private List<Channel> bind(Listeners.Kind kind, int port) throws InterruptedException, ListenerBindException {
        return listeners.bind(kind, config.listen().addresses(), port, initializer(kind));
    }

    private static void startAdmin(AdminServer server) throws InterruptedException, ListenerBindException {
        try {
            server.start();
        } catch (AdminServer.BindException e) {
            throw new ListenerBindException("admin.listen", e.host(), e.port(), e.getCause());
        }
    }

    /**
     * Reloads the config file and applies what changed (see {@link Reloader}): listeners stay bound unless moved,
     * the new routing takes new requests while requests in flight finish, pools keep their live state and targets
     * registered through the admin API. When the new file is invalid or asks for what cannot change live, the
     * running config keeps serving unchanged and the result says why. Reloads run one at a time on a thread of
     * their own; this call blocks until this one is done, so never call it on an event loop (use
     * {@link #reloadAsync}).
     */
    public ReloadResult reload() {
        return reloadAsync("api").join();
    }

    /**
     * {@link #reload()} without waiting.
     *
     * @param trigger what asked for the reload, for the log line (e.g. {@code SIGHUP}, {@code admin API})
     */
    public CompletableFuture<ReloadResult> reloadAsync(String trigger) {
        return reloader.reload(trigger);
    }

    /** Reloads since start, and those refused. */
    public ReloadStats reloadStats() {
        return reloader.stats();
    }

    /** The config serving now: the one given at construction, or the last one a reload applied. */
    public GatehouseConfig config() {
        return reloader.current();
    }

    /** The upstream pools, for the admin API and tests. */
    public Upstreams upstreams() {
        return upstreams;
    }

    /** Certificates and HTTPS, when the https listener is on. */
    Optional<TlsRuntime> tlsRuntime() {
        return tls;
    }

    /** This server's metrics (scraped at {@code GET /metrics} on the admin listener). */
    public GatehouseMetrics metrics() {
        return metrics;
    }

    /** The bound admin API port, or -1 when there is no admin listener. */
    public int adminPort() {
        return admin.map(AdminServer::port).orElse(-1);
    }

    /** The bound HTTPS port, or -1 when there is none. */
    public int httpsPort() {
        return state.httpsPort();
    }

    /** The bound plain-HTTP port (useful when the config asked for port 0), or -1 when there is none. */
    public int httpPort() {
        return listeners.port(Listeners.Kind.HTTP);
    }

    /**
     * Graceful stop: listeners close at once, idle connections close, busy ones close after their current response.
     * Whatever is still open after {@code grace} is closed.
     */
    public void stop(Duration grace) {
        state.startDraining();
        watcher.close();
        reloader.close(); // a reload must not bind a listener while the server drains
        listeners.closeAll();
        for (Channel ch : state.connections()) {
            ch.eventLoop().execute(() -> {
                ConnectionHandler h1 = ch.pipeline().get(ConnectionHandler.class);
                Http2ConnectionWatch h2 = ch.pipeline().get(Http2ConnectionWatch.class);
                if (h1 != null) {
                    h1.drain();
                } else if (h2 != null) {
                    h2.drain();
                } else {
                    ch.close(); // still in its TLS handshake or before its first bytes: nothing in flight
                }
            });
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (!state.connections().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!state.connections().isEmpty()) {
            log.warn("closing {} connections still busy after the {}s grace period", state.connections().size(),
                    grace.toSeconds());
        }
        close();
    }

    @Override
    public void close() {
        watcher.close();
        reloader.close();
        admin.ifPresent(AdminServer::close);
        tls.ifPresent(TlsRuntime::close);
        upstreams.close();
        listeners.closeAll();
        state.connections().close().awaitUninterruptibly();
        listeners.shutdownLoops();
        state.bodies().close(); // after the connections: their temp files are closed (deleted) by now
        state.access().close();
        cache.close();
        cacheIo.shutdown();
    }

    /** The response cache, shared by every site and route with {@code cache}. */
    public ResponseCache cache() {
        return cache;
    }
}
