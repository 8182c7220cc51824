package dev.gatehouse.proxy;

import dev.gatehouse.config.Target;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.FastThreadLocal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Keep-alive connections to upstream targets, one pool per event loop: a client's request is forwarded on a
 * connection owned by the client's own event loop, so no lock is taken and no byte crosses threads. HTTP/1.1
 * connections are kept here; HTTP/2 ones ({@code protocol: h2c | h2}) in {@link #http2()}, on the same terms.
 */
public final class ConnectionPool {
    /**
     * Idle connections kept per target and event loop. An HTTP/2 client has many requests in flight on one
     * connection (100 streams by default), each needing its own HTTP/1.1 upstream connection: with fewer kept idle
     * than are in flight, every dip in load closes connections that the next burst opens again (thousands of
     * TIME_WAIT sockets per second under h2load's 160 streams). 256 covers a few such clients per event loop.
     */
    static final int MAX_IDLE_PER_TARGET = 256;

    private final Class<? extends SocketChannel> channelType;
    /** Replaced by a reload; connections opened before keep the timeouts they were opened with. */
    private volatile Duration connectTimeout;
    private volatile Duration idleTimeout;
    private final Http2Connections http2;
    private final FastThreadLocal<Map<Target, ArrayDeque<Channel>>> idle = new FastThreadLocal<>() {
        @Override
        protected Map<Target, ArrayDeque<Channel>> initialValue() {
            return new HashMap<>();
        }
    };

    public ConnectionPool(Class<? extends SocketChannel> channelType, Duration connectTimeout, Duration idleTimeout) {
        this.channelType = channelType;
        this.connectTimeout = connectTimeout;
        this.idleTimeout = idleTimeout;
        this.http2 = new Http2Connections(channelType, connectTimeout, idleTimeout);
    }

    /** Multiplexed HTTP/2 connections to the targets of {@code protocol: h2c | h2} upstreams. */
    Http2Connections http2() {
        return http2;
    }

    /** New upstream connect and idle timeouts, for connections opened from now on (a reload changed them). */
    public void timeouts(Duration connect, Duration idle) {
        this.connectTimeout = connect;
        this.idleTimeout = idle;
        http2.timeouts(connect, idle);
    }

    /** An idle, open connection to the target on the calling event loop, or null. */
    Channel poll(Target target) {
        ArrayDeque<Channel> queue = idle.get().get(target);
        while (queue != null && !queue.isEmpty()) {
            Channel ch = queue.pollFirst();
            if (ch.isActive()) {
                return ch;
            }
        }
        return null;
    }

    /** Opens a new connection on {@code loop}; its reads are driven by the proxy (auto-read off). */
    ChannelFuture connect(EventLoop loop, Target target) {
        Duration connectTimeout = this.connectTimeout;
        long idleMillis = this.idleTimeout.toMillis();
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(channelType)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast("http-codec", new UpstreamHttpCodec())
                                // Reader idle only (no per-write listener); an upload in progress is watched on the client side.
                                .addLast("upstream", new UpstreamHandler(idleMillis));
                    }
                });
        return b.connect(new InetSocketAddress(target.host(), target.port()));
    }

    /** Returns a connection whose exchange ended cleanly; it is closed instead when the pool is full. */
    void release(Target target, Channel ch) {
        if (!ch.isActive()) {
            return;
        }
        ArrayDeque<Channel> queue = idle.get().computeIfAbsent(target, t -> new ArrayDeque<>());
        if (queue.size() >= MAX_IDLE_PER_TARGET) {
            ch.close();
            return;
        }
        queue.addFirst(ch);
        // Learn of a close by the upstream while idle: the read completes with EOF, UpstreamHandler closes.
        ch.read();
    }
}
