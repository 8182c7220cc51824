package dev.gatehouse.admin;

import dev.gatehouse.config.Admin;
import dev.gatehouse.upstream.Upstreams;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The admin listener ({@code admin: { listen: ... }}): a small HTTP/1.1 server on a one-thread event loop of its
 * own, serving {@link AdminRouter}, and {@code GET /metrics} for Prometheus. Loopback only for now.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    /** Request bodies are tiny JSON objects. */
    static final int MAX_BODY = 64 * 1024;
    private static final int IDLE_SECONDS = 60;

    private final Admin config;
    private final Supplier<EventLoopGroup> groups;
    private final Class<? extends ServerChannel> channelType;
    private final AdminHandler handler;
    private EventLoopGroup group;
    private Channel listener;
    private int port = -1;

    /** @param metrics writes the metrics in the Prometheus text format, for {@code GET /metrics} */
    public AdminServer(Admin config, Upstreams upstreams, Supplier<EventLoopGroup> groups,
                       Class<? extends ServerChannel> channelType, Supplier<String> metrics) {
        this.config = Objects.requireNonNull(config, "config");
        this.groups = groups;
        this.channelType = channelType;
        this.handler = new AdminHandler(new AdminRouter(upstreams), Objects.requireNonNull(metrics, "metrics"));
    }

    /** Binds the listener; throws when the address cannot be bound. */
    public void start() throws InterruptedException {
        group = groups.get();
        listener = new ServerBootstrap()
                .group(group)
                .channel(channelType)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(IDLE_SECONDS, TimeUnit.SECONDS),
                                new HttpServerCodec(), new HttpObjectAggregator(MAX_BODY), handler);
                    }
                })
                .bind(new InetSocketAddress(config.host(), config.port())).sync().channel();
        port = ((InetSocketAddress) listener.localAddress()).getPort();
        log.info("admin API listening on {}:{}", config.host(), port);
    }

    /** The bound port (useful when the config asked for port 0), or -1 before {@link #start()}. */
    public int port() {
        return port;
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close().awaitUninterruptibly();
            listener = null;
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
    }
}
