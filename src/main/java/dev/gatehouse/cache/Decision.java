package dev.gatehouse.cache;

import java.util.List;

/**
 * What the cache does with a GET or HEAD, given what it holds (RFC 9111 §4): answer from a stored response, answer
 * a stale one at once and refresh it in the background, forward a conditional request to revalidate one, or forward
 * the request as it is. A forwarded request keeps the stored response it could not use, for stale-if-error.
 */
sealed interface Decision {

    /** Fresh, or stale in a way the client accepts ({@code max-stale}): answered from the cache. */
    record Hit(StoredResponse response) implements Decision {
    }

    /** Stale within stale-while-revalidate: answered at once, refreshed by one background request. */
    record StaleWhileRevalidate(StoredResponse response) implements Decision {
    }

    /** Stale, or marked no-cache, with a validator: the request goes forward with If-None-Match/If-Modified-Since. */
    record Revalidate(StoredResponse response, String reason) implements Decision {
    }

    /**
     * Forwarded unconditionally. {@code fwd} is the Cache-Status reason (RFC 9211 §2.2): {@code miss},
     * {@code vary-miss}, {@code stale}, {@code request}; {@code stale} is the unusable stored response, or null.
     */
    record Forward(String fwd, StoredResponse stale) implements Decision {
    }

    /** The client said only-if-cached and nothing usable is stored: 504 (§5.2.1.7). */
    record NotCached() implements Decision {
    }

    /**
     * Chooses among the stored responses for a URL (newest first).
     *
     * @param variants  the stored responses for the request's URL, newest first (may be empty)
     * @param request   the request's cache directives
     */
    static Decision decide(List<StoredResponse> variants, io.netty.handler.codec.http.HttpHeaders requestHeaders,
                           RequestRules request, long now) {
        StoredResponse selected = null;
        for (StoredResponse r : variants) {
            if (r.vary.matches(requestHeaders)) {
                selected = r;
                break;
            }
        }
        if (selected == null) {
            return request.onlyIfCached ? new NotCached() : new Forward(variants.isEmpty() ? "miss" : "vary-miss", null);
        }
        Decision d = reuse(selected, request, now);
        if (request.onlyIfCached && !(d instanceof Hit) && !(d instanceof StaleWhileRevalidate)) {
            return new NotCached();
        }
        return d;
    }

    private static Decision reuse(StoredResponse r, RequestRules request, long now) {
        if (request.noCache) {
            return validate(r, "request");
        }
        long age = r.age(now);
        long ttl = r.lifetime - age;
        boolean fresh = ttl > 0 && !r.noCache;
        if (fresh && request.maxAge >= 0 && age > request.maxAge) {
            return validate(r, "request");
        }
        if (fresh && request.minFresh >= 0 && ttl < request.minFresh) {
            return validate(r, "request");
        }
        if (fresh) {
            return new Hit(r);
        }
        if (r.noCache) {
            return validate(r, "stale");
        }
        long staleness = -ttl;
        if (!r.noStale) {
            if (request.maxStale >= 0 && staleness <= request.maxStale && request.maxAge < 0) {
                return new Hit(r);
            }
            if (staleness <= r.staleWhileRevalidate && request.maxAge < 0 && request.minFresh < 0) {
                return new StaleWhileRevalidate(r);
            }
        }
        return validate(r, "stale");
    }

    private static Decision validate(StoredResponse r, String reason) {
        return r.hasValidator() ? new Revalidate(r, reason) : new Forward(reason, r);
    }

    /**
     * Whether {@code stale} may answer instead of an error (RFC 5861 §4, RFC 9111 §4.2.4): never when it says
     * must-revalidate, proxy-revalidate, s-maxage or no-cache; else within the request's stale-if-error when it
     * gives one, else within the response's (or the configured default).
     */
    static boolean staleIfError(StoredResponse stale, RequestRules request, long now) {
        return staleOnError(stale, request, now, 0) != null;
    }

    /**
     * Why {@code stale} may answer instead of an error, as Cache-Status says it: {@code stale-if-error} within that
     * window (see {@link #staleIfError}); {@code origin-unreachable} when the origin could not be reached at all and
     * the response is within {@code unreachableMillis} past its freshness (RFC 9111 §4.2.4 lets a disconnected cache
     * serve stale); null when it may not.
     */
    static String staleOnError(StoredResponse stale, RequestRules request, long now, long unreachableMillis) {
        if (stale == null || stale.noStale || stale.noCache) {
            return null;
        }
        long staleness = Math.max(0, -stale.ttl(now));
        long window = request.staleIfError >= 0 ? request.staleIfError : stale.staleIfError;
        if (window > 0 && staleness <= window) {
            return "stale-if-error";
        }
        return unreachableMillis > 0 && staleness <= unreachableMillis ? "origin-unreachable" : null;
    }
}
