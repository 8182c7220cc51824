package dev.gatehouse.proxy;

import dev.gatehouse.config.Target;
import dev.gatehouse.config.UpstreamTls;
import dev.gatehouse.tls.UpstreamTlsContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/2 connections to upstream targets ({@code protocol: h2c} and {@code h2}), per event loop like the HTTP/1.1
 * pool: each exchange gets a stream of a connection owned by the client's own event loop. A target gets one
 * connection per loop until the upstream's SETTINGS_MAX_CONCURRENT_STREAMS is reached on it, then another, up to
 * {@link #MAX_CONNECTIONS_PER_TARGET}; beyond that exchanges wait in line for a stream (at most the connect timeout).
 */
final class Http2Connections {
    private static final Logger log = LoggerFactory.getLogger(Http2Connections.class);
    /** Connections per target and event loop; streams are the unit of concurrency, connections only add room. */
    static final int MAX_CONNECTIONS_PER_TARGET = 4;

    private final Class<? extends SocketChannel> channelType;
    /** Replaced by a reload; connections opened before keep the idle timeout they were opened with. */
    private volatile Duration connectTimeout;
    private volatile Duration idleTimeout;
    private final Map<UpstreamTls, SslContext> sslContexts = new ConcurrentHashMap<>();
    private final FastThreadLocal<Map<Key, TargetConnections>> perLoop = new FastThreadLocal<>() {
        @Override
        protected Map<Key, TargetConnections> initialValue() {
            return new HashMap<>();
        }
    };

    /** Connections are shared by exchanges with the same address and TLS settings. */
    private record Key(String host, int port, SslContext ssl, String serverName) {
    }

    /** New connect and idle timeouts, for connections and waits from now on (a reload changed them). */
    void timeouts(Duration connect, Duration idle) {
        this.connectTimeout = connect;
        this.idleTimeout = idle;
    }

    Http2Connections(Class<? extends SocketChannel> channelType, Duration connectTimeout, Duration idleTimeout) {
        this.channelType = channelType;
        this.connectTimeout = connectTimeout;
        this.idleTimeout = idleTimeout;
    }

    /** A connector for one upstream: {@code tls} null for h2c (prior knowledge, plain TCP). */
    UpstreamConnector connector(String upstream, UpstreamTls tls) {
        SslContext ssl = tls == null ? null : sslContexts.computeIfAbsent(tls, UpstreamTlsContexts::clientContext);
        Optional<String> serverName = tls == null ? Optional.empty() : tls.serverName();
        return new UpstreamConnector() {
            @Override
            public Channel pooled(Target target) {
                return null; // every exchange opens a stream of its own
            }

            @Override
            public Future<Channel> open(EventLoop loop, Target target) {
                Key key = new Key(target.host(), target.port(), ssl, serverName.orElse(target.host()));
                return perLoop.get().computeIfAbsent(key, k -> new TargetConnections(k, loop, upstream)).acquire();
            }

            @Override
            public void release(Target target, Channel ch, boolean reusable) {
                if (!reusable) {
                    ch.close(); // resets the stream if it is still open; the connection carries on
                }
                // else: both ends of the stream have ended and it has closed (or closes) by itself
            }

            @Override
            public boolean relaysUpgrades() {
                return false;
            }
        };
    }

    /** The child pipeline of a stream: HttpObjects in and out, then the exchange's {@link UpstreamHandler}. */
    private ChannelHandler streamInitializer() {
        long idleMillis = idleTimeout.toMillis();
        return new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline()
                        .addLast("http-codec", new Http2StreamFrameToHttpObjectCodec(false))
                        .addLast("h2-extension-headers", StripExtensionHeaders.INSTANCE)
                        .addLast("upstream", new UpstreamHandler(idleMillis));
            }
        };
    }

    /** Netty's conversion adds {@code x-http2-stream-id} (and friends) to a response head: not for clients. */
    @ChannelHandler.Sharable
    private static final class StripExtensionHeaders extends ChannelInboundHandlerAdapter {
        static final StripExtensionHeaders INSTANCE = new StripExtensionHeaders();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpResponse response) {
                for (HttpConversionUtil.ExtensionHeaderNames name : HttpConversionUtil.ExtensionHeaderNames.values()) {
                    response.headers().remove(name.text());
                }
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** Server push is disabled in our SETTINGS; a pushed stream is a protocol error of the upstream. */
    @ChannelHandler.Sharable
    private static final class RefusePushes extends ChannelInboundHandlerAdapter {
        static final RefusePushes INSTANCE = new RefusePushes();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.close();
        }
    }

    /** The connections to one target on one event loop, and the exchanges waiting for a stream. */
    private final class TargetConnections implements Http2Connection.Owner {
        private final Key key;
        private final EventLoop loop;
        private final String upstream;
        private final List<Http2Connection> connections = new ArrayList<>(1);
        private final ArrayDeque<Promise<Channel>> waiting = new ArrayDeque<>();

        TargetConnections(Key key, EventLoop loop, String upstream) {
            this.key = key;
            this.loop = loop;
            this.upstream = upstream;
        }

        Future<Channel> acquire() {
            Promise<Channel> p = loop.newPromise();
            waiting.add(p);
            ScheduledFuture<?> timer = loop.schedule(() -> {
                p.tryFailure(new ConnectTimeoutException("no HTTP/2 stream to " + key.host() + ":" + key.port()
                        + " became free within " + connectTimeout.toMillis() + "ms"));
            }, connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
            p.addListener(f -> {
                timer.cancel(false);
                waiting.remove(p);
            });
            dispatch();
            return p;
        }

        /** Hands out streams to those waiting while a connection has room; opens a connection when none has. */
        private void dispatch() {
            while (!waiting.isEmpty()) {
                Http2Connection c = connections.stream().filter(Http2Connection::hasRoom).findFirst().orElse(null);
                if (c == null) {
                    maybeConnect();
                    return;
                }
                Promise<Channel> p = waiting.poll();
                c.openStream(streamInitializer()).addListener((Future<Http2StreamChannel> f) -> {
                    if (!f.isSuccess()) {
                        p.tryFailure(f.cause());
                    } else if (!p.trySuccess(f.getNow())) {
                        f.getNow().close(); // the exchange gave up meanwhile
                    }
                });
            }
        }

        private void maybeConnect() {
            boolean connecting = connections.stream().anyMatch(Http2Connection::connecting);
            long live = connections.stream().filter(Http2Connection::live).count();
            if (!connecting && live < MAX_CONNECTIONS_PER_TARGET) {
                connect();
            }
        }

        private void connect() {
            Http2Connection connection = new Http2Connection(this, idleTimeout.toMillis(), connectTimeout.toMillis());
            connections.add(connection);
            Bootstrap b = new Bootstrap()
                    .group(loop)
                    .channel(channelType)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (key.ssl() != null) {
                                ch.pipeline().addLast("tls", UpstreamTlsContexts.newHandler(key.ssl(), ch.alloc(),
                                        key.serverName(), key.port()));
                            }
                            ch.pipeline()
                                    .addLast("h2-codec", Http2FrameCodecBuilder.forClient()
                                            .initialSettings(Http2Settings.defaultSettings().pushEnabled(false))
                                            .build())
                                    .addLast("h2-multiplex", new Http2MultiplexHandler(RefusePushes.INSTANCE))
                                    .addLast("h2-connection", connection);
                        }
                    });
            b.connect(new InetSocketAddress(key.host(), key.port())).addListener((ChannelFuture f) -> {
                if (!f.isSuccess()) {
                    connection.connectFailed(f.cause());
                }
            });
        }

        @Override
        public void ready(Http2Connection connection) {
            dispatch();
        }

        @Override
        public void slotFreed(Http2Connection connection) {
            dispatch();
        }

        @Override
        public void closed(Http2Connection connection, Throwable cause) {
            connections.remove(connection);
            if (!connection.becameReady() && !connections.stream().anyMatch(Http2Connection::live)
                    && !waiting.isEmpty()) {
                // Nothing left that could serve them: those waiting fail with why this connection went.
                log.debug("upstream={} target={}:{} HTTP/2 connection closed: {}", upstream, key.host(), key.port(),
                        cause.toString());
                List<Promise<Channel>> failed = new ArrayList<>(waiting);
                waiting.clear();
                failed.forEach(p -> p.tryFailure(cause));
                return;
            }
            dispatch();
        }
    }
}
