package dev.gatehouse.cache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * What a request's {@code Cache-Control} asks of the cache (RFC 9111 §5.2.1, RFC 5861 §4), read once.
 * {@code Pragma} is ignored (deprecated, §5.4). Ages are in milliseconds; -1 means "not given".
 */
final class RequestRules {
    static final RequestRules NONE = new RequestRules(Directives.NONE);
    /** {@code max-stale} without a value: any staleness. */
    static final long ANY = Long.MAX_VALUE;

    final long maxAge;
    final long minFresh;
    final long maxStale;
    final long staleIfError;
    final boolean noCache;
    final boolean noStore;
    final boolean onlyIfCached;

    private RequestRules(Directives d) {
        this.maxAge = millis(d, "max-age");
        this.minFresh = millis(d, "min-fresh");
        this.maxStale = d.has("max-stale") ? (d.value("max-stale").isEmpty() ? ANY : millis(d, "max-stale")) : -1;
        this.staleIfError = millis(d, "stale-if-error");
        this.noCache = d.has("no-cache");
        this.noStore = d.has("no-store");
        this.onlyIfCached = d.has("only-if-cached");
    }

    static RequestRules of(HttpHeaders headers, boolean honoured) {
        if (!honoured || !headers.contains(HttpHeaderNames.CACHE_CONTROL)) {
            return NONE;
        }
        return new RequestRules(Directives.parse(headers.getAll(HttpHeaderNames.CACHE_CONTROL)));
    }

    /** An invalid value counts as absent: a client's typo should not bypass or pin the cache. */
    private static long millis(Directives d, String name) {
        long s = d.seconds(name).orElse(-1);
        return s < 0 ? -1 : s * 1000;
    }
}
