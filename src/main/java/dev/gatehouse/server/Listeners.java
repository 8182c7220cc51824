package dev.gatehouse.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;

import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The listening sockets (one per {@link Kind}) and the event loops they and their connections run on. A reload that
 * moves a listener binds the new socket first and closes the old one after ({@link #bind} then {@link #put}), so
 * there is no moment without a listener; connections accepted by the old one live on.
 */
final class Listeners {
    /** The client-facing listeners. */
    enum Kind {
        HTTP("http"), HTTPS("https");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private final Transport transport;
    private final Map<Kind, Channel> bound = new EnumMap<>(Kind.class);
    private EventLoopGroup acceptors;
    private EventLoopGroup workers;

    Listeners(Transport transport) {
        this.transport = transport;
    }

    /** Makes the event loops (before the first {@link #bind}). */
    void start() {
        acceptors = transport.newGroup(1);
        workers = transport.newGroup(Runtime.getRuntime().availableProcessors());
    }

    /**
     * Binds a socket without putting it in place yet: it accepts no connection before {@link #put} (clients that
     * come meanwhile wait in the backlog). Throws when the address cannot be bound, naming the listener.
     */
    Channel bind(Kind kind, String address, int port, ChannelInitializer<SocketChannel> initializer)
            throws ListenerBindException, InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer);
        ChannelFuture bound = b.bind(new InetSocketAddress(address, port)).await();
        if (!bound.isSuccess()) {
            throw new ListenerBindException("listen." + kind.label, address, port, bound.cause());
        }
        return bound.channel();
    }

    /**
     * Puts {@code listener} in place of {@code kind}'s, which closes (its connections stay), and starts accepting
     * on it.
     */
    synchronized void put(Kind kind, Channel listener) {
        Channel old = bound.put(kind, listener);
        if (old != null && old != listener) {
            old.close().awaitUninterruptibly();
        }
        listener.config().setAutoRead(true);
    }

    /** Closes {@code kind}'s listener (a reload turned it off). */
    synchronized void close(Kind kind) {
        Channel old = bound.remove(kind);
        if (old != null) {
            old.close().awaitUninterruptibly();
        }
    }

    synchronized Optional<Channel> get(Kind kind) {
        return Optional.ofNullable(bound.get(kind));
    }

    /** The bound port of {@code kind}, or -1 when it is off. */
    synchronized int port(Kind kind) {
        Channel ch = bound.get(kind);
        return ch == null ? -1 : ((InetSocketAddress) ch.localAddress()).getPort();
    }

    /** Stops accepting: every listener closes (the connections they accepted stay open). */
    synchronized void closeAll() {
        for (Channel l : bound.values()) {
            l.close().awaitUninterruptibly();
        }
        bound.clear();
    }

    /** Shuts the event loops down (every connection still open with them); close the listeners first. */
    void shutdownLoops() {
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (acceptors != null) {
            acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
