package dev.gatehouse.stages;

import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.RequestFlow;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/** How a stage turns a request away before its body was read. */
final class Refusals {
    private Refusals() {
    }

    /**
     * Answers {@code response} with {@code cause} for the log; the connection closes after it when the request has a
     * body (the client may still be sending it, and nobody wants it).
     */
    static RequestFlow refuse(Exchange exchange, FullHttpResponse response, String cause) {
        HttpRequest request = exchange.request();
        if (HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0) {
            exchange.closeAfterResponse();
        }
        exchange.cause(cause);
        exchange.respond(response);
        return RequestFlow.DISCARD_BODY;
    }
}
