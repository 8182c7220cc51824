package dev.gatehouse.cache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Conditional requests the cache sends (RFC 9111 §4.3.1) and what unsafe methods invalidate (§4.4). */
final class Validation {
    /** RFC 9110 §9.2.1. */
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.TRACE);

    private Validation() {
    }

    /**
     * Turns the outgoing request into one that revalidates {@code stored}: its validators in If-None-Match and
     * If-Modified-Since, and the client's own preconditions and Range removed, so that a 200 brings the whole
     * response to store (the client's conditionals and Range are then answered from it).
     */
    static void makeConditional(HttpHeaders outgoing, StoredResponse stored) {
        outgoing.remove(HttpHeaderNames.IF_NONE_MATCH)
                .remove(HttpHeaderNames.IF_MODIFIED_SINCE)
                .remove(HttpHeaderNames.IF_MATCH)
                .remove(HttpHeaderNames.IF_UNMODIFIED_SINCE)
                .remove(HttpHeaderNames.IF_RANGE)
                .remove(HttpHeaderNames.RANGE);
        String etag = stored.etag();
        if (etag != null) {
            String e = etag.trim();
            outgoing.set(HttpHeaderNames.IF_NONE_MATCH,
                    e.startsWith("\"") || e.startsWith("W/\"") ? e : "\"" + e.replace("\"", "") + "\"");
        }
        String lastModified = stored.lastModified();
        if (lastModified != null) {
            outgoing.set(HttpHeaderNames.IF_MODIFIED_SINCE, lastModified);
        }
    }

    static boolean isSafe(HttpMethod method) {
        return SAFE.contains(method);
    }

    /**
     * The keys a response to an unsafe request invalidates (§4.4): none for an error (only a non-error status
     * obliges it), else the target URI and the same-origin Location and Content-Location.
     */
    static List<String> invalidated(HttpMethod method, String key, int status, HttpHeaders response) {
        if (isSafe(method) || status < 200 || status >= 400) {
            return List.of();
        }
        List<String> out = new ArrayList<>(3);
        out.add(key);
        for (CharSequence field : List.of(HttpHeaderNames.LOCATION, HttpHeaderNames.CONTENT_LOCATION)) {
            String v = response.get(field);
            if (v != null && !v.isBlank()) {
                CacheKeys.sameOrigin(key, v).filter(k -> !out.contains(k)).ifPresent(out::add);
            }
        }
        return out;
    }
}
