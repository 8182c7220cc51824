package dev.gatehouse.admin;

import dev.gatehouse.metrics.GatehouseMetrics;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/** Netty side of the admin API: one aggregated request in, one response out (the request is released here). */
@ChannelHandler.Sharable
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);

    private final AdminRouter router;
    private final Supplier<String> metrics;

    AdminHandler(AdminRouter router, Supplier<String> metrics) {
        this.router = router;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        AdminRouter.Reply reply;
        if (req.decoderResult().isFailure()) {
            keepAlive = false;
            reply = AdminRouter.Reply.of(Problem.badRequest("malformed HTTP request: " + req.decoderResult().cause()));
        } else if (isMetricsScrape(req)) {
            reply = new AdminRouter.Reply(200, GatehouseMetrics.CONTENT_TYPE, metrics.get(), List.of());
        } else {
            reply = router.handle(req.method().name(), req.uri(), req.content().toString(StandardCharsets.UTF_8));
        }
        // Changes and refusals are logged; successful reads are not.
        if (reply.status() >= 300 || !req.method().name().equals("GET")) {
            log.info("admin {} {}: {}", req.method(), req.uri(), reply.status());
        }
        write(ctx, reply, keepAlive);
    }

    /** {@code GET /metrics} (query ignored): answered here, before the JSON API's router. */
    private static boolean isMetricsScrape(FullHttpRequest req) {
        String uri = req.uri();
        int q = uri.indexOf('?');
        return req.method().name().equals("GET") && (q < 0 ? uri : uri.substring(0, q)).equals("/metrics");
    }

    private static void write(ChannelHandlerContext ctx, AdminRouter.Reply reply, boolean keepAlive) {
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        List<String> allow = reply.allow();
        if (!allow.isEmpty()) {
            res.headers().set(HttpHeaderNames.ALLOW, String.join(", ", allow));
        }
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        var f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("admin connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
