package dev.gatehouse.server;

import dev.gatehouse.acme.Http01Tokens;
import dev.gatehouse.metrics.GatehouseMetrics;
import dev.gatehouse.stages.AccessServices;
import dev.gatehouse.stages.BodyBuffers;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.util.concurrent.atomic.AtomicReference;

/** What every connection shares: the current routing (swapped whole on reload) and whether the server is stopping. */
final class ServerState {
    private final AtomicReference<Routing> routing;
    private final ChannelGroup connections = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private volatile boolean draining;
    private volatile int httpsPort = -1;

    private final Http01Tokens http01 = new Http01Tokens();

    private final GatehouseMetrics metrics;
    private final ClientErrors clientErrors;

    private final ConnectionLimit connectionLimit;

    private final BodyBuffers bodies;
    private final AccessServices access;

    ServerState(GatehouseMetrics metrics, BodyBuffers bodies, AccessServices access) {
        this.routing = new AtomicReference<>();
        this.metrics = metrics;
        this.clientErrors = new ClientErrors();
        this.bodies = bodies;
        this.connectionLimit = new ConnectionLimit(metrics);
        this.access = access;
    }

    /** Rate-limit buckets, in-flight counters and the password thread: they outlive reloads. */
    AccessServices access() {
        return access;
    }

    /** The last handler of client connections: what no other handler took (one for every connection). */
    ClientErrors clientErrors() {
        return clientErrors;
    }

    /** Temp files and disk I/O of {@code buffer_requests}. */
    BodyBuffers bodies() {
        return bodies;
    }

    /** {@code limits.max_connections} over every client listener. */
    ConnectionLimit connectionLimit() {
        return connectionLimit;
    }

    /** The server's meters: connections by listener and protocol, handshakes, and what the routing records. */
    GatehouseMetrics metrics() {
        return metrics;
    }

    /** ACME HTTP-01 answers, served on the plain listener at {@code /.well-known/acme-challenge/}. */
    Http01Tokens http01() {
        return http01;
    }

    Routing routing() {
        return routing.get();
    }

    void routing(Routing next) {
        routing.set(next);
    }

    ChannelGroup connections() {
        return connections;
    }

    /** The bound HTTPS port, -1 while there is none. */
    int httpsPort() {
        return httpsPort;
    }

    void httpsPort(int port) {
        httpsPort = port;
    }

    /**
     * A new connection starts reading (auto-read is off, so nothing happens before), unless it was accepted just as
     * stop() began: the drain pass may not have seen it, so it is closed instead.
     *
     * @return whether the connection was admitted
     */
    boolean admit(ChannelHandlerContext ctx) {
        if (draining) {
            ctx.close();
            return false;
        }
        ctx.read();
        return true;
    }

    boolean isDraining() {
        return draining;
    }

    void startDraining() {
        draining = true;
    }
}
