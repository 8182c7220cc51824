package dev.gatehouse.admin;

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
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Netty side of the admin API: one aggregated request in, one response out. The request is copied and released
 * here; the router runs on {@code worker} (it reads storage and config files, which must not block an event loop)
 * and the response is written back on the channel's event loop. One worker thread keeps pipelined requests in order.
 */
@ChannelHandler.Sharable
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);

    private static final String SEC_FETCH_SITE = "Sec-Fetch-Site";
    private static final int MAX_LOGGED = 200;

    private final AdminRouter router;
    private final Executor worker;

    AdminHandler(AdminRouter router, Executor worker) {
        this.router = router;
        this.worker = worker;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (req.decoderResult().isFailure()) {
            write(ctx, Reply.of(Problem.badRequest("malformed HTTP request: " + req.decoderResult().cause())), false);
            return;
        }
        HttpHeaders h = req.headers();
        AdminRequest request = new AdminRequest(req.method().name(), req.uri(),
                req.content().toString(StandardCharsets.UTF_8),
                Optional.ofNullable(h.get(HttpHeaderNames.AUTHORIZATION)), Optional.ofNullable(h.get(HttpHeaderNames.HOST)),
                Optional.ofNullable(h.get(HttpHeaderNames.ORIGIN)), Optional.ofNullable(h.get(SEC_FETCH_SITE)),
                Optional.ofNullable(h.get(HttpHeaderNames.CONTENT_TYPE)));
        try {
            worker.execute(() -> {
                Reply reply = router.handle(request);
                // Changes and refusals are logged; successful reads are not.
                if (reply.status() >= 300 || !request.method().equals("GET")) {
                    log.info("admin host={} {} {}: {}", printable(request.host().orElse("-")), request.method(),
                            printable(request.uri()), reply.status());
                }
                try {
                    ctx.channel().eventLoop().execute(() -> write(ctx, reply, keepAlive));
                } catch (RejectedExecutionException e) {
                    // The listener closed while the request was answered: nobody to write to.
                }
            });
        } catch (RejectedExecutionException e) {
            ctx.close(); // the admin listener is closing
        }
    }

    /** A header or URI for the log: visible ASCII only, at most 200 characters, so a request cannot forge lines. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LOGGED));
        for (int i = 0; i < text.length() && out.length() < MAX_LOGGED; i++) {
            char c = text.charAt(i);
            out.append(c > ' ' && c < 0x7f ? c : '?');
        }
        return text.length() > MAX_LOGGED ? out + "..." : out.toString();
    }

    private static void write(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(reply.body()));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        reply.headers().forEach(res.headers()::set);
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
        // An idle connection timing out or a client resetting is routine; anything else deserves a look, in one line.
        if (cause instanceof ReadTimeoutException || cause instanceof IOException) {
            log.debug("admin connection from {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            log.warn("admin connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        }
        ctx.close();
    }
}
