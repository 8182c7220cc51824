package dev.gatehouse.server;

import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.util.concurrent.atomic.AtomicReference;

/** What every connection shares: the current routing (swapped whole on reload) and whether the server is stopping. */
final class ServerState {
    private final AtomicReference<Routing> routing;
    private final ChannelGroup connections = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private volatile boolean draining;

    ServerState(Routing initial) {
        this.routing = new AtomicReference<>(initial);
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

    boolean isDraining() {
        return draining;
    }

    void startDraining() {
        draining = true;
    }
}
