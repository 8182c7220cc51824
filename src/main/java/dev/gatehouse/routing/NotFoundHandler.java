package dev.gatehouse.routing;

import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import io.netty.handler.codec.http.HttpResponseStatus;

/** The 404 at the end of the chain for a host no site serves, or a request none of a site's routes matches. */
public final class NotFoundHandler implements Handler {
    /** A site is configured for the host, but none of its routes matches. */
    public static final NotFoundHandler NO_ROUTE = new NotFoundHandler(true);
    /** No site is configured for the host (and there is no default site). */
    public static final NotFoundHandler UNKNOWN_HOST = new NotFoundHandler(false);

    private final boolean knownSite;

    private NotFoundHandler(boolean knownSite) {
        this.knownSite = knownSite;
    }

    @Override
    public RequestFlow begin(Exchange exchange) {
        exchange.respondText(HttpResponseStatus.NOT_FOUND, knownSite
                ? "404 Not Found: no route of this site matches the request"
                : "404 Not Found: no site is configured for host \"" + exchange.host() + "\"");
        return RequestFlow.DISCARD_BODY;
    }
}
