package dev.gatehouse.routing;

import dev.gatehouse.config.Action;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The {@code redirect:} action. The target may use {@code {scheme}}, {@code {host}}, {@code {uri}} (path and query
 * as received), {@code {path}}, {@code {query}} and the other placeholders of {@link dev.gatehouse.config.Template},
 * filled in per request from the target compiled at config load.
 */
public final class RedirectHandler implements Handler {
    private final HttpResponseStatus status;
    private final Expansion target;

    public RedirectHandler(Action.Redirect redirect) {
        this.status = HttpResponseStatus.valueOf(redirect.status());
        this.target = Expansion.of(redirect.template());
    }

    @Override
    public RequestFlow begin(Exchange exchange) {
        String location = target.expandToString(exchange);
        FullHttpResponse response = Exchange.textResponse(status, status.code() + " " + status.reasonPhrase() + ": " + location);
        response.headers().set(HttpHeaderNames.LOCATION, location);
        exchange.respond(response);
        return RequestFlow.DISCARD_BODY;
    }
}
