package dev.gatehouse.files;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.util.function.Consumer;

/** Small responses with no file behind them: errors, redirects, 304. */
final class Responses {

    private Responses() {
    }

    /**
     * Writes a short {@code text/plain} response whose body is the status line, such as
     * {@code 404 Not Found}. HEAD gets the same headers and no body.
     */
    static StaticFiles.Served text(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive,
                                   HttpResponseStatus status, Consumer<HttpHeaders> extraHeaders) {
        String text = status.code() + " " + status.reasonPhrase() + "\n";
        boolean head = StaticFiles.isHead(request);
        // ownership: the response and its buffer pass to the pipeline; the encoder releases them
        ByteBuf body = head ? Unpooled.EMPTY_BUFFER : ByteBufUtil.writeAscii(ctx.alloc(), text);
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), status, body);
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        headers.set(HttpHeaderNames.CONTENT_LENGTH, text.length());
        headers.set(StaticFiles.X_CONTENT_TYPE_OPTIONS, StaticFiles.NOSNIFF);
        extraHeaders.accept(headers);
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture done = ctx.writeAndFlush(response);
        return new StaticFiles.Served(status.code(), head ? 0 : text.length(), done);
    }

    /**
     * 304 Not Modified: the validators and no body. No Content-Length: RFC 9110 §8.6 only allows the
     * length a 200 would have, and a wrong 0 here makes some caches truncate their stored copy.
     */
    static StaticFiles.Served notModified(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive,
                                          Conditionals validators) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                request.protocolVersion(), HttpResponseStatus.NOT_MODIFIED, Unpooled.EMPTY_BUFFER);
        response.headers()
                .set(HttpHeaderNames.ETAG, validators.etag())
                .set(HttpHeaderNames.LAST_MODIFIED, validators.lastModified());
        HttpUtil.setKeepAlive(response, keepAlive);
        return new StaticFiles.Served(304, 0, ctx.writeAndFlush(response));
    }
}
