package dev.gatehouse.upstream;

import dev.gatehouse.config.HealthCheck;
import dev.gatehouse.config.Upstream;
import dev.gatehouse.config.UpstreamTls;
import dev.gatehouse.tls.SslContexts;
import dev.gatehouse.tls.UpstreamTlsContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One active check of one target: a fresh connection, one request ({@code Connection: close} on HTTP/1.1, one
 * stream on HTTP/2), in the pool's protocol. Completes with null
 * when the target passed, else with why it failed ({@code connect refused}, {@code timeout after 3s},
 * {@code status 503}, {@code body lacks "ok"}). Runs on the health checker's own event loop.
 */
final class HealthProbe {
    /** Only the start of a body is searched for {@code body:}; a health page is small. */
    static final int MAX_BODY = 64 * 1024;

    private final HealthCheck check;
    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelType;
    private final Upstream.Protocol protocol;
    private final UpstreamTls tls;
    private volatile SslContext ssl;

    /** Probes in HTTP/1.1 (see the other constructor for HTTP/2). */
    HealthProbe(HealthCheck check, EventLoopGroup group, Class<? extends SocketChannel> channelType) {
        this(check, group, channelType, Upstream.Protocol.HTTP1, UpstreamTls.DEFAULT);
    }

    /**
     * Probes in the pool's protocol: HTTP/1.1, h2c with prior knowledge, or h2 over TLS verified with {@code tls}
     * as the proxy's own connections are, so that a target is healthy only when requests can reach it.
     */
    HealthProbe(HealthCheck check, EventLoopGroup group, Class<? extends SocketChannel> channelType,
                Upstream.Protocol protocol, UpstreamTls tls) {
        this.check = check;
        this.group = group;
        this.channelType = channelType;
        this.protocol = protocol;
        this.tls = tls;
    }

    /** The TLS context, built at the first h2 probe (it may read the system trust store). */
    private SslContext ssl() {
        SslContext c = ssl;
        if (c == null) {
            c = UpstreamTlsContexts.clientContext(tls);
            ssl = c;
        }
        return c;
    }

    Promise<String> run(TargetState target) {
        EventLoop loop = group.next();
        Promise<String> result = loop.newPromise();
        long timeoutMillis = check.timeout().toMillis();
        int port = check.port().orElse(target.target().port());
        Bootstrap b = new Bootstrap().group(loop)
                .channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (protocol == Upstream.Protocol.HTTP1) {
                            ch.pipeline().addLast(new HttpClientCodec(), new ResponseCheck(result));
                        } else {
                            http2(ch, target, port, result);
                        }
                    }
                });
        var timer = loop.schedule(
                () -> result.trySuccess("timeout after " + seconds(timeoutMillis)), timeoutMillis, TimeUnit.MILLISECONDS);
        ChannelFuture connect = b.connect(new InetSocketAddress(target.target().host(), port));
        connect.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                result.trySuccess(describe(f.cause()));
                return;
            }
            if (protocol == Upstream.Protocol.HTTP1) {
                DefaultFullHttpRequest request = request(target);
                request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                f.channel().writeAndFlush(request);
            } else {
                startHttp2(f.channel(), target, result);
            }
        });
        result.addListener(f -> {
            timer.cancel(false);
            connect.channel().close();
        });
        return result;
    }

    private DefaultFullHttpRequest request(TargetState target) {
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
                HttpMethod.valueOf(check.method()), check.path());
        request.headers().set(HttpHeaderNames.HOST, check.host().orElse(target.address()))
                .set(HttpHeaderNames.USER_AGENT, "gatehouse-health-check")
                .set(HttpHeaderNames.CONTENT_LENGTH, 0);
        return request;
    }

    // ---- HTTP/2: one short-lived connection, one stream

    private void http2(Channel ch, TargetState target, int port, Promise<String> result) {
        if (protocol == Upstream.Protocol.H2) {
            String serverName = tls.serverName().orElse(target.target().host());
            ch.pipeline().addLast("tls", UpstreamTlsContexts.newHandler(ssl(), ch.alloc(), serverName, port));
        }
        ch.pipeline()
                .addLast("h2-codec", Http2FrameCodecBuilder.forClient()
                        .initialSettings(Http2Settings.defaultSettings().pushEnabled(false))
                        .build())
                .addLast("h2-multiplex", new Http2MultiplexHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.close(); // a pushed stream: push is off in our SETTINGS
                    }
                }))
                // A connection error (the target broke HTTP/2, TLS failed) fails the check; it must not reach
                // the end of the pipeline, where Netty would log it with a stack trace at every check.
                .addLast("h2-errors", new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        result.trySuccess(describe(cause));
                        ctx.close();
                    }
                });
    }

    /** After the connect (and for h2 the handshake, with ALPN having chosen h2): the request on a stream. */
    private void startHttp2(Channel ch, TargetState target, Promise<String> result) {
        SslHandler tlsHandler = ch.pipeline().get(SslHandler.class);
        if (tlsHandler == null) {
            openStream(ch, target, result);
            return;
        }
        tlsHandler.handshakeFuture().addListener(h -> {
            if (!h.isSuccess()) {
                result.trySuccess("TLS handshake failed: " + deepestMessage(h.cause()));
            } else if (!SslContexts.H2.equals(tlsHandler.applicationProtocol())) {
                result.trySuccess("ALPN chose " + (tlsHandler.applicationProtocol() == null ? "no protocol"
                        : tlsHandler.applicationProtocol()) + ", not h2");
            } else {
                openStream(ch, target, result);
            }
        });
    }

    private void openStream(Channel ch, TargetState target, Promise<String> result) {
        new Http2StreamChannelBootstrap(ch).handler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false), new ResponseCheck(result));
            }
        }).open().addListener((Future<Http2StreamChannel> f) -> {
            if (!f.isSuccess()) {
                result.trySuccess("cannot open an HTTP/2 stream: " + describe(f.cause()));
                return;
            }
            f.getNow().writeAndFlush(request(target));
        });
    }

    private static String seconds(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }

    /** The engine's own message is often generic; the root cause says what was wrong with the certificate. */
    private static String deepestMessage(Throwable t) {
        String message = t.toString();
        for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
            if (c.getMessage() != null) {
                message = c.getMessage();
            }
        }
        return message;
    }

    private static String describe(Throwable t) {
        if (t instanceof io.netty.channel.ConnectTimeoutException) {
            return "connect timeout";
        }
        if (t instanceof ConnectException) {
            return "connect refused";
        }
        Http2Exception h2 = Http2CodecUtil.getEmbeddedHttp2Exception(t);
        if (h2 != null) {
            return "HTTP/2 " + h2.error() + ": " + h2.getMessage();
        }
        if (t instanceof IOException && t.getMessage() != null) {
            return t.getMessage();
        }
        return t.getClass().getSimpleName();
    }

    /** Reads the response head, and the body's start when {@code body:} is set. */
    private final class ResponseCheck extends SimpleChannelInboundHandler<HttpObject> {
        private final Promise<String> result;
        private final StringBuilder body = new StringBuilder();
        private int status;

        ResponseCheck(Promise<String> result) {
            this.result = result;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpResponse response) {
                status = response.status().code();
                if (!check.accepts(status)) {
                    result.trySuccess("status " + status);
                } else if (check.body().isEmpty()) {
                    result.trySuccess(null);
                }
            }
            if (msg instanceof HttpContent content && check.body().isPresent() && !result.isDone()) {
                ByteBuf buf = content.content();
                int room = MAX_BODY - body.length();
                if (room > 0) {
                    body.append(buf.toString(buf.readerIndex(), Math.min(room, buf.readableBytes()),
                            StandardCharsets.UTF_8));
                }
                String wanted = check.body().get();
                if (body.indexOf(wanted) >= 0) {
                    result.trySuccess(null);
                } else if (msg instanceof LastHttpContent || body.length() >= MAX_BODY) {
                    result.trySuccess("body lacks \"" + wanted + "\"");
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.trySuccess(status == 0 ? "connection closed before a response" : "connection closed in the body");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.trySuccess(describe(cause));
            ctx.close();
        }
    }
}
