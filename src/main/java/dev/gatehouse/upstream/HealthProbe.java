package dev.gatehouse.upstream;

import dev.gatehouse.config.HealthCheck;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
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
import io.netty.util.concurrent.Promise;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One active check of one target: a fresh connection, one request, {@code Connection: close}. Completes with null
 * when the target passed, else with why it failed ({@code connect refused}, {@code timeout after 3s},
 * {@code status 503}, {@code body lacks "ok"}). Runs on the health checker's own event loop.
 */
final class HealthProbe {
    /** Only the start of a body is searched for {@code body:}; a health page is small. */
    static final int MAX_BODY = 64 * 1024;

    private final HealthCheck check;
    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelType;

    HealthProbe(HealthCheck check, EventLoopGroup group, Class<? extends SocketChannel> channelType) {
        this.check = check;
        this.group = group;
        this.channelType = channelType;
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
                        ch.pipeline().addLast(new HttpClientCodec(), new ResponseCheck(result));
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
            String host = check.host().orElse(target.address());
            DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
                    HttpMethod.valueOf(check.method()), check.path());
            request.headers().set(HttpHeaderNames.HOST, host)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .set(HttpHeaderNames.USER_AGENT, "gatehouse-health-check")
                    .set(HttpHeaderNames.CONTENT_LENGTH, 0);
            f.channel().writeAndFlush(request);
        });
        result.addListener(f -> {
            timer.cancel(false);
            connect.channel().close();
        });
        return result;
    }

    private static String seconds(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }

    private static String describe(Throwable t) {
        if (t instanceof io.netty.channel.ConnectTimeoutException) {
            return "connect timeout";
        }
        if (t instanceof ConnectException) {
            return "connect refused";
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
