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
 * as received), {@code {path}} and {@code {query}}.
 */
public final class RedirectHandler implements Handler {
    private final HttpResponseStatus status;
    private final String target;

    public RedirectHandler(Action.Redirect redirect) {
        this.status = HttpResponseStatus.valueOf(redirect.status());
        this.target = redirect.target();
    }

    @Override
    public RequestFlow begin(Exchange exchange) {
        String location = expand(target, exchange);
        FullHttpResponse response = Exchange.textResponse(status, status.code() + " " + status.reasonPhrase() + ": " + location);
        response.headers().set(HttpHeaderNames.LOCATION, location);
        exchange.respond(response);
        return RequestFlow.DISCARD_BODY;
    }

    static String expand(String template, Exchange exchange) {
        return expand(template, exchange.secure(), exchange.host(), exchange.request().uri());
    }

    /** The Location a redirect to {@code template} gives a request ({@code gatehouse explain} shows it). */
    public static String expand(String template, boolean secure, String host, String uri) {
        if (template.indexOf('{') < 0) {
            return template;
        }
        String path = RequestPaths.rawPath(uri);
        int q = uri.indexOf('?');
        String query = q >= 0 ? uri.substring(q + 1) : "";
        return template
                .replace("{scheme}", secure ? "https" : "http")
                .replace("{host}", host)
                .replace("{uri}", uri.startsWith("/") ? uri : path + (q >= 0 ? "?" + query : ""))
                .replace("{path}", path)
                .replace("{query}", query);
    }
}
