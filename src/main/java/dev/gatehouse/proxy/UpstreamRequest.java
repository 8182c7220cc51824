package dev.gatehouse.proxy;

import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.RequestIds;
import dev.gatehouse.routing.RequestPaths;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

import java.util.Locale;

/**
 * Turns a client's request head into the head sent upstream. The headers are rewritten in place (the client's
 * hop-by-hop headers are of no further use); version and target are set on a new head, because the client's
 * version still decides the response's framing and keep-alive, and the access log prints the original line.
 */
final class UpstreamRequest {
    private UpstreamRequest() {
    }

    /**
     * The head for the upstream hop: HTTP/1.1, origin-form target, hop-by-hop headers removed, forwarding headers
     * set, the request id set, {@code Expect} answered here rather than forwarded; the target is the one a rewrite
     * chose ({@link Exchange#targetUri}).
     *
     * @param upgrade whether this is a protocol upgrade to relay after a 101 ({@link #isUpgrade})
     */
    static HttpRequest prepare(HttpRequest request, boolean upgrade, Exchange exchange, ForwardedHeaders forwarded) {
        HttpHeaders headers = request.headers();
        String te = headers.get(HttpHeaderNames.TE);
        HopByHop.strip(headers, upgrade);
        headers.remove(HttpHeaderNames.TE);
        if (te != null && te.trim().equalsIgnoreCase("trailers")) {
            headers.set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS); // what gRPC needs end to end
        }
        headers.remove(HttpHeaderNames.EXPECT);
        if (upgrade) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        }
        String uri = exchange.targetUri();
        if (!uri.startsWith("/")) {
            String path = RequestPaths.rawPath(uri);
            int q = uri.indexOf('?');
            uri = uri.equals("*") ? "*" : path + (q >= 0 ? uri.substring(q) : "");
        }
        if (!headers.contains(HttpHeaderNames.HOST) && !exchange.host().isEmpty()) {
            headers.set(HttpHeaderNames.HOST, exchange.host());
        }
        forwarded.apply(headers, exchange);
        headers.set(RequestIds.HEADER, exchange.requestId());
        exchange.upstreamHeadPrepared(headers); // request_headers rules about the headers set just above
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), uri, headers);
    }

    /**
     * A real upgrade names itself in both Connection and Upgrade. {@code h2c} never counts: passing it on would let
     * a client talk HTTP/2 straight to the upstream past every rule here (h2c smuggling).
     */
    static boolean isUpgrade(HttpHeaders headers) {
        String upgrade = headers.get(HttpHeaderNames.UPGRADE);
        if (upgrade == null || !headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            return false;
        }
        for (String protocol : upgrade.split(",")) {
            if (protocol.trim().toLowerCase(Locale.ROOT).startsWith("h2c")) {
                return false;
            }
        }
        return !upgrade.isBlank();
    }
}
