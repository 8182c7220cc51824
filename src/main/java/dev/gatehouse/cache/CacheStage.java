package dev.gatehouse.cache;

import dev.gatehouse.config.CacheRule;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.Optional;

/**
 * The cache's request stage on a route with {@code cache}: answers GET and HEAD from stored responses when RFC 9111 allows,
 * revalidates stale ones, coalesces concurrent misses, and puts a {@link ForwardFilter} on whatever goes to the
 * origin so that its answer is stored. Other methods pass through a {@link BypassFilter} (invalidation,
 * Cache-Status). Built once per route and shared by every event loop.
 */
public final class CacheStage {
    private static final AsciiString SURROGATE_CAPABILITY = AsciiString.cached("surrogate-capability");

    private final CacheRule rule;
    private final ResponseCache cache;
    private final Refresher refresher;

    CacheStage(CacheRule rule, ResponseCache cache) {
        this.rule = rule;
        this.cache = cache;
        this.refresher = new Refresher(cache, rule);
    }

    /**
     * The stage for a route's {@code cache} settings; none when the cache is off there. (The stages package adapts
     * it to its {@code Stage}, so that the cache does not depend on the package that depends on it.)
     */
    public static Optional<CacheStage> of(CacheRule rule, ResponseCache cache) {
        return rule.on() ? Optional.of(new CacheStage(rule, cache)) : Optional.empty();
    }

    /** What this stage does with {@code request}, in words, without looking anything up ({@code gatehouse explain}). */
    public String foresee(HttpRequest request) {
        HttpMethod method = request.method();
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            return "passes " + method + " on uncached; a success invalidates what is stored for the URL";
        }
        RequestRules req = RequestRules.of(request.headers(), rule.requestDirectives());
        if (req.noStore) {
            return "passes the request on uncached: it says no-store";
        }
        return "answers from the cache when a fresh response is stored"
                + (rule.staleWhileRevalidate().isZero() ? "" : " (or a stale one while it is refreshed)")
                + "; otherwise asks the upstream and stores what may be stored";
    }

    /** As a stage's {@code begin}: answers, or passes on to {@code next} with the response filtered. */
    public RequestFlow begin(Exchange exchange, Handler next) {
        HttpRequest request = exchange.request();
        HttpMethod method = request.method();
        String key = CacheKeys.of(exchange.secure(), exchange.host(), request.uri());
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            return bypass(exchange, next, key, "method");
        }
        HttpHeaders headers = request.headers();
        RequestRules req = RequestRules.of(headers, rule.requestDirectives());
        if (req.noStore || headers.contains(HttpHeaderNames.IF_MATCH)
                || headers.contains(HttpHeaderNames.IF_UNMODIFIED_SINCE)) {
            return bypass(exchange, next, key, "request");
        }
        long now = System.currentTimeMillis();
        Decision d = Decision.decide(cache.lookup(key, headers), headers, req, now);
        if (d instanceof Decision.Hit hit) {
            CacheStatus status = CacheStatus.hit().ttl(hit.response().ttl(now));
            if (Responder.serve(exchange, hit.response(), status, now)) {
                cache.meters().count(exchange.site(), hit.response().fresh(now) ? CacheMeters.Result.HIT
                        : CacheMeters.Result.STALE);
                return RequestFlow.DISCARD_BODY;
            }
            d = new Decision.Forward("miss", null);
        } else if (d instanceof Decision.StaleWhileRevalidate swr) {
            CacheStatus status = CacheStatus.hit().ttl(swr.response().ttl(now)).detail("stale-while-revalidate");
            if (Responder.serve(exchange, swr.response(), status, now)) {
                cache.meters().count(exchange.site(), CacheMeters.Result.STALE);
                refresher.refresh(exchange, next, key, swr.response());
                return RequestFlow.DISCARD_BODY;
            }
            d = new Decision.Forward("miss", null);
        } else if (d instanceof Decision.NotCached) {
            return notCached(exchange);
        }
        return forward(exchange, next, key, req, d, now);
    }

    /** Sends the request on: revalidating a stored response, or as a miss that may lead or join a coalesced fetch. */
    RequestFlow forward(Exchange exchange, Handler next, String key, RequestRules req, Decision d, long now) {
        HttpRequest request = exchange.request();
        HttpRequest client = new DefaultHttpRequest(request.protocolVersion(), request.method(), request.uri(),
                request.headers().copy());
        announceSurrogate(request.headers());
        if (d instanceof Decision.Revalidate r) {
            Validation.makeConditional(request.headers(), r.response());
            exchange.filterResponse(new ForwardFilter(new ForwardFilter.Plan(exchange, cache, rule, exchange.site(),
                    key, client, req, now, r.reason(), r.response(), true, null, false, false)));
            return next.begin(exchange);
        }
        Decision.Forward f = (Decision.Forward) d;
        if (coalescible(request)) {
            Coalescer.Joined joined = cache.coalescer().join(key, rule.maxWaiters(), cache.config().maxObject());
            if (!joined.leader()) {
                WaitingFlow waiting = new WaitingFlow(this, exchange, next, key, req, f, client, joined.fetch());
                if (waiting.start(rule.coalesceWait().toMillis())) {
                    cache.meters().count(exchange.site(), CacheMeters.Result.COALESCED);
                    return waiting;
                }
            } else {
                exchange.filterResponse(new ForwardFilter(new ForwardFilter.Plan(exchange, cache, rule,
                        exchange.site(), key, client, req, now, f.fwd(), f.stale(), false, joined.fetch(), false,
                        false)));
                return next.begin(exchange);
            }
        }
        return alone(exchange, next, key, req, f, client, false);
    }

    /** Forwarded without coalescing (not coalescible, no room to wait, or released by the fetch it waited for). */
    RequestFlow alone(Exchange exchange, Handler next, String key, RequestRules req, Decision.Forward f,
                      HttpRequest client, boolean collapsed) {
        announceSurrogate(exchange.request().headers());
        exchange.filterResponse(new ForwardFilter(new ForwardFilter.Plan(exchange, cache, rule, exchange.site(), key,
                client, req, System.currentTimeMillis(), f.fwd(), f.stale(), false, null, collapsed, false)));
        return next.begin(exchange);
    }

    /**
     * Edge Architecture 1.0 §2: a surrogate appends its capabilities to the requests it forwards, so that the origin
     * may aim Surrogate-Control directives at it ({@code max-age=600;gatehouse}).
     */
    static void announceSurrogate(HttpHeaders headers) {
        for (String v : headers.getAll(SURROGATE_CAPABILITY)) {
            if (v.contains(TargetedField.CAPABILITY)) {
                return;
            }
        }
        headers.add(SURROGATE_CAPABILITY, TargetedField.CAPABILITY);
    }

    /**
     * Only a plain GET coalesces: a HEAD, a Range or a client's own conditional may get an answer (206, 304) that
     * could not be shared, and waiting for it would only delay them.
     */
    private boolean coalescible(HttpRequest request) {
        HttpHeaders h = request.headers();
        return rule.coalesceWait().toMillis() > 0 && HttpMethod.GET.equals(request.method())
                && !h.contains(HttpHeaderNames.RANGE) && !h.contains(HttpHeaderNames.IF_NONE_MATCH)
                && !h.contains(HttpHeaderNames.IF_MODIFIED_SINCE);
    }

    private RequestFlow bypass(Exchange exchange, Handler next, String key, String fwd) {
        cache.meters().count(exchange.site(), CacheMeters.Result.BYPASS);
        exchange.filterResponse(new BypassFilter(cache, key, exchange.request().method(), fwd));
        return next.begin(exchange);
    }

    /** RFC 9111 §5.2.1.7: only-if-cached and nothing usable stored. */
    private RequestFlow notCached(Exchange exchange) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.GATEWAY_TIMEOUT,
                Unpooled.EMPTY_BUFFER);
        CacheStatus.forward("miss").detail("only-if-cached").addTo(r.headers());
        cache.meters().count(exchange.site(), CacheMeters.Result.MISS);
        exchange.respond(r);
        return RequestFlow.DISCARD_BODY;
    }

    ResponseCache cache() {
        return cache;
    }

    CacheRule rule() {
        return rule;
    }

}
