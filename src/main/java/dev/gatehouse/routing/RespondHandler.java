package dev.gatehouse.routing;

import dev.gatehouse.config.Action;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The {@code respond:} action: a fixed status, body and headers. */
public final class RespondHandler implements Handler {
    private final HttpResponseStatus status;
    private final byte[] body;
    private final Map<String, String> headers;

    public RespondHandler(Action.Respond respond) {
        this.status = HttpResponseStatus.valueOf(respond.status());
        this.body = respond.body().getBytes(StandardCharsets.UTF_8);
        this.headers = respond.headers();
    }

    @Override
    public RequestFlow begin(Exchange exchange) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        if (body.length > 0 && !headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("content-type"))) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        }
        headers.forEach(response.headers()::set);
        exchange.respond(response);
        return RequestFlow.DISCARD_BODY;
    }
}
