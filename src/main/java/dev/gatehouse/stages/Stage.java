package dev.gatehouse.stages;

import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;

/**
 * One step of a route's request path: header rules, access control, rate limits, authentication, a cache lookup,
 * the plain-HTTP policy. A stage is built once per route when the config loads ({@link StageCompiler}) and shared by
 * every event loop and request, so it keeps no per-request state in fields.
 *
 * <p>{@link #begin} runs on the client's event loop with the request head (the body follows through the returned
 * flow) and does one of three things:
 * <ul>
 *   <li><b>pass on</b>: {@code return next.begin(exchange);}, possibly after changing
 *       {@code exchange.request()} (its headers, its URI);</li>
 *   <li><b>answer</b>: {@code exchange.respond(...); return RequestFlow.DISCARD_BODY;} (the rest of the chain and
 *       the action never run);</li>
 *   <li><b>wrap the response</b>: {@code exchange.filterResponse(filter)} and then pass on (or answer): the
 *       {@link dev.gatehouse.http.ResponseFilter} sees the response head and each body piece on the way back,
 *       whoever produced it.</li>
 * </ul>
 * A stage that needs to ask something first (an authentication server, a shared counter) returns a
 * {@link Deferred} and decides later.
 */
@FunctionalInterface
public interface Stage {

    /**
     * @param exchange the request (head only so far) and its response
     * @param next     the rest of the route's chain: later stages, then the action
     * @return the flow that receives the request body: the one {@code next.begin} returned when passing on
     */
    RequestFlow begin(Exchange exchange, Handler next);

    /**
     * What this stage would do with {@code request}, found without doing it: no state changes (no token taken from
     * a rate limit, no counter moved), nothing sent anywhere. For {@code gatehouse explain}; a stage that can tell
     * whether it would answer by itself (a deny rule, a missing credential, the plain-HTTP redirect) says so here.
     */
    default Foresight foresee(Preview request) {
        return Foresight.passes("runs on every request of this route");
    }
}
