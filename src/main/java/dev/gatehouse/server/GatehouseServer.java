package dev.gatehouse.server;

import dev.gatehouse.admin.AdminServer;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.http.Handler;
import dev.gatehouse.metrics.GatehouseMetrics;
import dev.gatehouse.proxy.ConnectionPool;
import dev.gatehouse.routing.Router;
import dev.gatehouse.upstream.Upstreams;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * The running server: listeners, event loops and the current routing. {@link #start()} binds, {@link #stop} stops
 * accepting, lets in-flight requests finish within a grace period, then closes everything.
 */
public final class GatehouseServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GatehouseServer.class);

    private final GatehouseConfig config;
    private final Transport transport;
    private final ServerState state;
    private final Upstreams upstreams;
    private final Optional<AdminServer> admin;
    private final GatehouseMetrics metrics;
    private final List<Channel> listeners = new ArrayList<>();
    private EventLoopGroup acceptors;
    private EventLoopGroup workers;
    private final Optional<TlsRuntime> tls;
    private int httpPort = -1;

    public GatehouseServer(GatehouseConfig config) {
        this(config, Transport.best());
    }

    public GatehouseServer(GatehouseConfig config, Transport transport) {
        this.config = Objects.requireNonNull(config, "config");
        this.transport = transport;
        this.metrics = new GatehouseMetrics();
        ConnectionPool connections = new ConnectionPool(transport.socketChannel(),
                config.timeouts().connect(), config.timeouts().idle());
        this.state = new ServerState();
        // Health checks run on a one-thread group of their own, never on the proxy's event loops.
        this.upstreams = new Upstreams(config.upstreams().values(), transport.socketChannel(),
                () -> transport.newGroup(1));
        this.admin = config.admin().map(a -> new AdminServer(a, upstreams, () -> transport.newGroup(1),
                transport.serverChannel(), metrics::scrape));
        state.routing(compile(config, connections, upstreams, state, metrics));
        boolean httpOn = config.listen().http().isPresent();
        this.tls = config.listen().https().isPresent()
                ? Optional.of(new TlsRuntime(config, state.http01(), () -> TlsRuntime.typesFor(httpOn, state.httpsPort() >= 0)))
                : Optional.empty();
        metrics.bindUpstreams(() -> upstreams.pools().values());
        tls.ifPresent(t -> {
            metrics.bindCertificates(t.registry()::expiries);
            metrics.bindAcme(t.manager()::acmeOrders, t.manager()::acmeFailures);
        });
    }

    private static Routing compile(GatehouseConfig config, ConnectionPool connections, Upstreams upstreams,
                                   ServerState state, GatehouseMetrics metrics) {
        Handlers handlers = new Handlers(config, connections, upstreams);
        Router<Handler> router = Router.build(config, handlers::create);
        return new Routing(config, router, new RequestGuard(config.limits()), new HttpPolicyGate(state::httpsPort),
                new AccessLogger(config.accessLog()), metrics.requestMeters(config.sites().values()));
    }

    /**
     * Puts certificates in place, binds the listeners, then starts ACME issuance (whose challenges need the
     * listeners). Throws when a port cannot be bound or storage cannot be opened; nothing is left running then.
     */
    public void start() throws InterruptedException, IOException {
        config.accessLog().file().ifPresent(AccessLogFile::install);
        acceptors = transport.newGroup(1);
        workers = transport.newGroup(Runtime.getRuntime().availableProcessors());
        try {
            upstreams.start();
            if (tls.isPresent()) {
                tls.get().load();
                Channel ch = bind(config.listen().https().getAsInt(),
                        new HttpInitializer(state, Optional.of(tls.get().registry()),
                                metrics.openConnections("https", "http1"), metrics.tlsHandshakes()));
                state.httpsPort(((InetSocketAddress) ch.localAddress()).getPort());
                log.info("listening for https on {}:{}", config.listen().address(), state.httpsPort());
            }
            OptionalInt http = config.listen().http();
            if (http.isPresent()) {
                Channel ch = bind(http.getAsInt(), new HttpInitializer(state, Optional.empty(),
                        metrics.openConnections("http", "http1"), metrics.tlsHandshakes()));
                httpPort = ((InetSocketAddress) ch.localAddress()).getPort();
                log.info("listening for http on {}:{} (transport {})", config.listen().address(), httpPort,
                        transport.name());
            }
            if (admin.isPresent()) {
                admin.get().start();
            }
            tls.ifPresent(TlsRuntime::start);
        } catch (RuntimeException | InterruptedException | IOException e) {
            close();
            throw e;
        }
    }

    private Channel bind(int port, HttpInitializer initializer) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer);
        Channel ch = b.bind(new InetSocketAddress(config.listen().address(), port)).sync().channel();
        listeners.add(ch);
        return ch;
    }

    /** The upstream pools, for the admin API and tests. */
    public Upstreams upstreams() {
        return upstreams;
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
        return httpPort;
    }

    /**
     * Graceful stop: listeners close at once, idle connections close, busy ones close after their current response.
     * Whatever is still open after {@code grace} is closed.
     */
    public void stop(Duration grace) {
        state.startDraining();
        for (Channel l : listeners) {
            l.close().awaitUninterruptibly();
        }
        listeners.clear();
        for (Channel ch : state.connections()) {
            ch.eventLoop().execute(() -> {
                ConnectionHandler h = ch.pipeline().get(ConnectionHandler.class);
                if (h != null) {
                    h.drain();
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
        admin.ifPresent(AdminServer::close);
        tls.ifPresent(TlsRuntime::close);
        upstreams.close();
        for (Channel l : listeners) {
            l.close();
        }
        listeners.clear();
        state.connections().close().awaitUninterruptibly();
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (acceptors != null) {
            acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
