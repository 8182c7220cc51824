package dev.gatehouse.cache;

import dev.gatehouse.http.ResponseFilter;
import dev.gatehouse.http.ResponseOutput;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;

/**
 * A request the cache does not answer or store (an unsafe method, a client's no-store, a precondition only the origin
 * can judge): its response gets Cache-Status, and a non-error response to an unsafe method invalidates what is stored
 * for the URL and for its same-origin Location and Content-Location (RFC 9111 §4.4).
 */
final class BypassFilter implements ResponseFilter {
    private final ResponseCache cache;
    private final String key;
    private final HttpMethod method;
    private final String fwd;

    BypassFilter(ResponseCache cache, String key, HttpMethod method, String fwd) {
        this.cache = cache;
        this.key = key;
        this.method = method;
        this.fwd = fwd;
    }

    @Override
    public void head(HttpResponse head, ResponseOutput out) {
        for (String url : Validation.invalidated(method, key, head.status().code(), head.headers())) {
            cache.invalidate(url);
        }
        CacheStatus.forward(fwd).fwdStatus(head.status().code()).addTo(head.headers());
        out.write(head);
    }
}
