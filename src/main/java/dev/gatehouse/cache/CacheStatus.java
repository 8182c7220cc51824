package dev.gatehouse.cache;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * The {@code Cache-Status} member this cache adds to every answer (RFC 9211): {@code gatehouse; hit},
 * {@code gatehouse; fwd=miss; stored}, {@code gatehouse; fwd=stale; fwd-status=304}, and so on. Members of caches
 * nearer the origin are kept before ours (§2: the last member is the cache closest to the user).
 */
public final class CacheStatus {
    public static final AsciiString NAME = AsciiString.cached("cache-status");
    static final String CACHE = "gatehouse";

    private final StringBuilder value = new StringBuilder(48).append(CACHE);

    private CacheStatus() {
    }

    static CacheStatus hit() {
        CacheStatus s = new CacheStatus();
        s.value.append("; hit");
        return s;
    }

    /** Forwarded: {@code fwd} is miss, vary-miss, stale, request, method, uri-miss or bypass (§2.2). */
    static CacheStatus forward(String fwd) {
        CacheStatus s = new CacheStatus();
        s.value.append("; fwd=").append(fwd);
        return s;
    }

    CacheStatus fwdStatus(int status) {
        value.append("; fwd-status=").append(status);
        return this;
    }

    /** Remaining freshness in whole seconds, negative when stale (§2.4). */
    CacheStatus ttl(long millis) {
        value.append("; ttl=").append(Math.floorDiv(millis, 1000));
        return this;
    }

    CacheStatus stored() {
        value.append("; stored");
        return this;
    }

    CacheStatus collapsed() {
        value.append("; collapsed");
        return this;
    }

    /** Free text for what the other parameters do not say, e.g. why a response was not stored (§2.8). */
    CacheStatus detail(String detail) {
        value.append("; detail=").append(Tokens.isToken(detail) ? detail : "\"" + detail + "\"");
        return this;
    }

    /** Appends this member to the field (after any member a cache nearer the origin added). */
    void addTo(HttpHeaders headers) {
        String existing = headers.get(NAME);
        headers.set(NAME, existing == null || existing.isBlank() ? value.toString() : existing + ", " + value);
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
