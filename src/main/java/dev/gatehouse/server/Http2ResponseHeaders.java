package dev.gatehouse.server;

import dev.gatehouse.http.RequestIds;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;

/**
 * What {@link ServerHttpCodec}'s encoder adds on HTTP/1.1, for a response on an HTTP/2 stream: a Date, the request
 * id, and no connection-specific header (RFC 9113 §8.2.2; Netty's conversion drops them too, this makes it
 * independent of that).
 */
final class Http2ResponseHeaders extends ChannelOutboundHandlerAdapter implements ResponseStamps {
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");

    private String requestId;

    @Override
    public void requestId(String id) {
        requestId = id;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse response) {
            HttpHeaders headers = response.headers();
            if (!headers.contains(HttpHeaderNames.DATE)) {
                headers.set(HttpHeaderNames.DATE, HttpDate.now());
            }
            if (requestId != null) {
                headers.set(RequestIds.HEADER, requestId);
            }
            headers.remove(HttpHeaderNames.CONNECTION);
            headers.remove(HttpHeaderNames.KEEP_ALIVE);
            headers.remove(PROXY_CONNECTION);
            headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
            headers.remove(HttpHeaderNames.UPGRADE);
        }
        ctx.write(msg, promise);
    }
}
