package dev.gatehouse.proxy;

import dev.gatehouse.http.Exchange;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/** Turns an upstream's response head into the head sent to the client (in place). */
final class UpstreamResponse {
    private UpstreamResponse() {
    }

    /** Hop-by-hop headers removed; framing fixed for the client's HTTP version; keep-alive decided by Gatehouse. */
    static void prepare(HttpResponse response, Exchange exchange) {
        exchange.markUpstreamResponse();
        HttpHeaders headers = response.headers();
        HopByHop.strip(headers, false);
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        int code = response.status().code();
        boolean bodyless = exchange.isHead() || code == 204 || code == 304;
        boolean http10Client = exchange.request().protocolVersion().equals(HttpVersion.HTTP_1_0);
        if (!bodyless && !HttpUtil.isContentLengthSet(response)) {
            if (http10Client) {
                // HTTP/1.0 has no chunked framing: the end of the body is the end of the connection.
                headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
                exchange.closeAfterResponse();
            } else {
                // Also covers an upstream that ends its body by closing: the client sees chunks instead.
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        }
        exchange.applyKeepAlive(response);
    }

    /** For a relayed 101: only the upgrade's own headers survive, plus Connection: upgrade. */
    static void prepareSwitch(HttpResponse response, Exchange exchange) {
        HopByHop.strip(response.headers(), true);
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    }
}
