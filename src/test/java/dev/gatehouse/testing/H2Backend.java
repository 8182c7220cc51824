package dev.gatehouse.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/2 backend on a free loopback port (Netty), cleartext with prior knowledge (h2c) or TLS with ALPN h2.
 * Paths:
 * <ul>
 *   <li>{@code /echo}: streams the request body back as it arrives, its trailers back as trailers (plus
 *       {@code x-echo: done})</li>
 *   <li>{@code /bytes?n=N}: N bytes of {@code 'x'}, written as the stream's window allows</li>
 *   <li>{@code /slow?ms=N}: "slow" after N ms</li>
 *   <li>anything else: "h2 PATH", with headers {@code x-seen-te}, {@code x-seen-host} and {@code x-protocol}</li>
 * </ul>
 * It counts connections and streams, honours {@link #maxConcurrentStreams}, and can send GOAWAY after N streams.
 */
public final class H2Backend implements AutoCloseable {
    private static final AttributeKey<AtomicInteger> STREAMS_ON_CONNECTION = AttributeKey.valueOf("h2-backend-streams");
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicInteger streams = new AtomicInteger();
    private final AtomicInteger maxActiveStreams = new AtomicInteger();
    private final AtomicInteger activeStreams = new AtomicInteger();
    private final Channel server;
    /** Accepted connections, closed on {@link #close} before the loop stops (a TLS close may otherwise linger). */
    private final ChannelGroup accepted = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final int goAwayAfter;

    private H2Backend(SslContext tls, long maxConcurrentStreams, int goAwayAfter, int port)
            throws InterruptedException {
        this.goAwayAfter = goAwayAfter;
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.incrementAndGet();
                        openConnections.incrementAndGet();
                        accepted.add(ch);
                        ch.closeFuture().addListener(f -> openConnections.decrementAndGet());
                        ch.attr(STREAMS_ON_CONNECTION).set(new AtomicInteger());
                        if (tls == null) {
                            addHttp2(ch, null, maxConcurrentStreams);
                            return;
                        }
                        // HTTP/2 starts once the handshake is done: a SETTINGS frame queued before a handshake that
                        // then fails would be left in the TLS handler's queue.
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                                if (evt instanceof SslHandshakeCompletionEvent done) {
                                    ctx.pipeline().remove(this);
                                    if (done.isSuccess()) {
                                        addHttp2(ch, tls, maxConcurrentStreams);
                                    } else {
                                        ctx.close();
                                    }
                                }
                                super.userEventTriggered(ctx, evt);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close(); // a failed handshake: nothing to report
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
    }

    private void addHttp2(Channel ch, SslContext tls, long maxConcurrentStreams) {
        ch.pipeline()
                .addLast(Http2FrameCodecBuilder.forServer().initialSettings(
                        Http2Settings.defaultSettings().maxConcurrentStreams(maxConcurrentStreams)).build())
                .addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        streams.incrementAndGet();
                        int n = stream.parent().attr(STREAMS_ON_CONNECTION).get().incrementAndGet();
                        int active = activeStreams.incrementAndGet();
                        maxActiveStreams.accumulateAndGet(active, Math::max);
                        stream.closeFuture().addListener(f -> activeStreams.decrementAndGet());
                        stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true))
                                .addLast(new StreamHandler(tls != null, n));
                    }
                }))
                .addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close(); // a failed handshake or a broken peer: nothing to report
                    }
                });
    }

    /** Cleartext HTTP/2 with prior knowledge. */
    public static H2Backend h2c() throws InterruptedException {
        return new H2Backend(null, Integer.MAX_VALUE, 0, 0);
    }

    /** h2c allowing at most {@code max} concurrent streams per connection (SETTINGS_MAX_CONCURRENT_STREAMS). */
    public static H2Backend h2c(long max) throws InterruptedException {
        return new H2Backend(null, max, 0, 0);
    }

    /** h2c that sends GOAWAY on each connection after answering its {@code n}th stream. */
    public static H2Backend h2cGoingAwayAfter(int n) throws InterruptedException {
        return new H2Backend(null, Integer.MAX_VALUE, n, 0);
    }

    /** h2c on a given loopback port (a backend started again where a stopped one was). */
    public static H2Backend h2cAt(int port) throws InterruptedException {
        return new H2Backend(null, Integer.MAX_VALUE, 0, port);
    }

    /** HTTP/2 over TLS (ALPN h2) with this certificate chain and key. */
    public static H2Backend h2(List<X509Certificate> chain, PrivateKey key) throws Exception {
        return h2At(chain, key, 0);
    }

    /** {@link #h2} on a given loopback port. */
    public static H2Backend h2At(List<X509Certificate> chain, PrivateKey key, int port) throws Exception {
        SslContext tls = SslContextBuilder.forServer(key, chain.toArray(new X509Certificate[0]))
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, "h2"))
                .build();
        return new H2Backend(tls, Integer.MAX_VALUE, 0, port);
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    /** TCP connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** TCP connections open now. */
    public int openConnections() {
        return openConnections.get();
    }

    /** Streams (requests) received so far. */
    public int streams() {
        return streams.get();
    }

    /** The most streams that were open at once, over all connections. */
    public int maxActiveStreams() {
        return maxActiveStreams.get();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        accepted.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One request on one stream. */
    private final class StreamHandler extends ChannelInboundHandlerAdapter {
        private final boolean tls;
        private final int number;
        private HttpRequest request;

        StreamHandler(boolean tls, int number) {
            this.tls = tls;
            this.number = number;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest req) {
                request = req;
                if (path().equals("/echo")) {
                    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    head.headers().set(HttpHeaderNames.CONTENT_TYPE,
                            req.headers().get(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream"));
                    ctx.writeAndFlush(head);
                }
            }
            if (msg instanceof HttpContent content) {
                if (path().equals("/echo")) {
                    echo(ctx, content);
                    return;
                }
                content.release();
                if (content instanceof LastHttpContent) {
                    answer(ctx);
                }
                return;
            }
            ReferenceCountUtil.release(msg);
        }

        private String path() {
            return new QueryStringDecoder(request.uri()).path();
        }

        private long param(String name, long otherwise) {
            List<String> v = new QueryStringDecoder(request.uri()).parameters().get(name);
            return v == null ? otherwise : Long.parseLong(v.get(0));
        }

        private void echo(ChannelHandlerContext ctx, HttpContent content) {
            if (content instanceof LastHttpContent last) {
                LastHttpContent end = new DefaultLastHttpContent(last.content());
                end.trailingHeaders().set(last.trailingHeaders()).set("x-echo", "done");
                ctx.writeAndFlush(end);
            } else {
                ctx.write(new DefaultHttpContent(content.content()));
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        private void answer(ChannelHandlerContext ctx) {
            switch (path()) {
                case "/bytes" -> {
                    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    head.headers().set(HttpHeaderNames.CONTENT_LENGTH, param("n", 0));
                    ctx.write(head);
                    writeBytes(ctx, param("n", 0));
                }
                case "/slow" -> ctx.executor().schedule(() -> text(ctx, "slow"), param("ms", 100), TimeUnit.MILLISECONDS);
                default -> text(ctx, "h2 " + path());
            }
        }

        /** Writes while the stream is writable, resuming on writability: a real backpressure-respecting sender. */
        private void writeBytes(ChannelHandlerContext ctx, long left) {
            long remaining = left;
            while (remaining > 0 && ctx.channel().isWritable()) {
                int n = (int) Math.min(16_384, remaining);
                remaining -= n;
                ByteBuf chunk = Unpooled.wrappedBuffer("x".repeat(n).getBytes(StandardCharsets.US_ASCII));
                ctx.write(remaining == 0 ? new DefaultLastHttpContent(chunk) : new DefaultHttpContent(chunk));
            }
            ctx.flush();
            if (remaining > 0) {
                long rest = remaining;
                ctx.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelWritabilityChanged(ChannelHandlerContext c) {
                        if (c.channel().isWritable()) {
                            c.pipeline().remove(this);
                            writeBytes(ctx, rest);
                        }
                    }
                });
            }
        }

        private void text(ChannelHandlerContext ctx, String body) {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain")
                    .set("x-protocol", tls ? "h2" : "h2c")
                    .set("x-seen-te", request.headers().get(HttpHeaderNames.TE, ""))
                    .set("x-seen-host", request.headers().get(HttpHeaderNames.HOST, ""));
            ctx.write(head);
            ctx.writeAndFlush(new DefaultLastHttpContent(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8)))
                    .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            if (goAwayAfter > 0 && number == goAwayAfter) {
                // Graceful, as a server with a per-connection request limit: streams it has seen are answered,
                // streams the client opens before it reads this GOAWAY are above last-stream-id, not processed.
                ((Http2StreamChannel) ctx.channel()).parent()
                        .writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
            }
        }
    }
}
