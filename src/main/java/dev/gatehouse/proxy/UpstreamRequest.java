package dev.gatehouse.proxy;

import dev.gatehouse.http.Exchange;
import dev.gatehouse.routing.RequestPaths;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

import java.util.Locale;

/** Turns a client's request head into the head sent upstream (in place: the client's head is not used again). */
final class UpstreamRequest {
    private UpstreamRequest() {
    }

    /**
     * Rewrites the head for the upstream hop: HTTP/1.1, origin-form target, hop-by-hop headers removed,
     * forwarding headers set, {@code Expect} answered here rather than forwarded.
     *
     * @return whether this is a protocol upgrade (WebSocket and the like) to relay after a 101
     */
    static boolean prepare(HttpRequest request, Exchange exchange, ForwardedHeaders forwarded) {
        HttpHeaders headers = request.headers();
        boolean upgrade = isUpgrade(headers);
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
        if (!request.uri().startsWith("/")) {
            String uri = request.uri();
            String path = RequestPaths.rawPath(uri);
            int q = uri.indexOf('?');
            request.setUri(uri.equals("*") ? "*" : path + (q >= 0 ? uri.substring(q) : ""));
        }
        if (!headers.contains(HttpHeaderNames.HOST) && !exchange.host().isEmpty()) {
            headers.set(HttpHeaderNames.HOST, exchange.host());
        }
        forwarded.apply(headers, exchange.remote().getAddress(), exchange.secure(), exchange.host());
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        return upgrade;
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
