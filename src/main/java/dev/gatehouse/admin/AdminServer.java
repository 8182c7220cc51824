package dev.gatehouse.admin;

import dev.gatehouse.config.Admin;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The admin listener ({@code admin: { listen: ... }}): a small HTTP/1.1 server on a one-thread event loop of its
 * own, serving {@link AdminRouter} (whose work runs on one worker thread of its own), with a bearer token when the
 * config sets one. While it runs, the latest WARN and ERROR log events are kept for the dashboard.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    /** Request bodies are tiny JSON objects. */
    static final int MAX_BODY = 64 * 1024;
    private static final int IDLE_SECONDS = 60;

    private final Admin config;
    private final Supplier<EventLoopGroup> groups;
    private final Class<? extends ServerChannel> channelType;
    private final RunningInstance instance;
    private final RecentErrors errors = new RecentErrors(RecentErrors.CAPACITY);
    private ExecutorService worker;
    private EventLoopGroup group;
    private Channel listener;
    private int port = -1;

    public AdminServer(Admin config, RunningInstance instance, Supplier<EventLoopGroup> groups,
                       Class<? extends ServerChannel> channelType) {
        this.config = Objects.requireNonNull(config, "config");
        this.instance = Objects.requireNonNull(instance, "instance");
        this.groups = groups;
        this.channelType = channelType;
    }

    /** The admin listener's address cannot be bound; the socket's own exception is the cause. */
    public static final class BindException extends IOException {
        private final String host;
        private final int port;

        BindException(String host, int port, Throwable cause) {
            super("cannot bind " + host + ":" + port + ": " + cause.getMessage(), cause);
            this.host = host;
            this.port = port;
        }

        public String host() {
            return host;
        }

        public int port() {
            return port;
        }
    }

    /** Binds the listener; throws when the address cannot be bound. */
    public void start() throws InterruptedException, BindException {
        errors.attach();
        worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-admin");
            t.setDaemon(true);
            return t;
        });
        AdminHandler handler = new AdminHandler(new AdminRouter(instance, new AdminAccess(config.token(), this::port), errors,
                this::port, Clock.systemUTC()), worker);
        group = groups.get();
        ChannelFuture bound = new ServerBootstrap()
                .group(group)
                .channel(channelType)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(IDLE_SECONDS, TimeUnit.SECONDS),
                                new HttpServerCodec(), new HttpObjectAggregator(MAX_BODY), handler);
                    }
                })
                .bind(new InetSocketAddress(config.host(), config.port())).await();
        if (!bound.isSuccess()) {
            throw new BindException(config.host(), config.port(), bound.cause()); // close() undoes the rest
        }
        listener = bound.channel();
        port = ((InetSocketAddress) listener.localAddress()).getPort();
        log.info("admin API and dashboard listening on http://{}:{}/{}", config.host().indexOf(':') >= 0
                ? "[" + config.host() + "]" : config.host(), port, config.token().isPresent() ? " (token required)" : "");
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
        if (worker != null) {
            worker.shutdownNow();
            worker = null;
        }
        errors.detach();
    }
}
