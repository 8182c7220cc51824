package dev.gatehouse.cache;

import dev.gatehouse.config.CacheRule;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a response's own fields say about caching it in a shared cache: the directives that apply (a targeted field
 * such as {@code CDN-Cache-Control} when valid, else {@code Cache-Control}), whether it may be stored (RFC 9111 §3),
 * and its freshness lifetime (§4.2.1).
 */
final class ResponseRules {
    /** RFC 9110 §15.1: heuristically cacheable status codes. */
    static final Set<Integer> HEURISTIC_STATUSES = Set.of(200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501);
    /** Status codes this cache understands (RFC 9110 §15), for {@code must-understand} (RFC 9111 §5.2.2.3). */
    private static final Set<Integer> UNDERSTOOD = Set.of(200, 201, 202, 203, 204, 300, 301, 302, 303, 307, 308, 400,
            401, 403, 404, 405, 406, 409, 410, 411, 412, 413, 414, 415, 417, 421, 422, 426, 500, 501, 502, 503, 504,
            505);

    final Directives directives;
    /** Whether a targeted field decided (then Expires is ignored too, RFC 9213 §2.2). */
    final boolean targeted;

    private ResponseRules(Directives directives, boolean targeted) {
        this.directives = directives;
        this.targeted = targeted;
    }

    static ResponseRules of(HttpHeaders headers) {
        Optional<Directives> targeted = TargetedField.select(headers.getAll(TargetedField.NAMES.get(0)),
                headers.getAll(TargetedField.NAMES.get(1)));
        return targeted.map(d -> new ResponseRules(d, true))
                .orElseGet(() -> new ResponseRules(Directives.parse(headers.getAll(HttpHeaderNames.CACHE_CONTROL)),
                        false));
    }

    /**
     * Why a response to a GET may not be stored, or empty when it may be (RFC 9111 §3, §3.5 and the cache's own
     * limits).
     *
     * @param authorized    the request carried {@code Authorization}
     * @param maxObject     the largest body stored
     */
    Optional<String> refusal(int status, HttpHeaders headers, boolean authorized, CacheRule rule, long maxObject) {
        if (status < 200 || status == 206 || status == 304 || status == 101) {
            return Optional.of("status");
        }
        boolean mustUnderstand = directives.has("must-understand");
        if (mustUnderstand && !UNDERSTOOD.contains(status)) {
            return Optional.of("must-understand");
        }
        if (directives.has("no-store") && !mustUnderstand) {
            return Optional.of("no-store");
        }
        if (directives.hasUnqualified("private")) {
            return Optional.of("private");
        }
        if (authorized && !directives.has("public") && !directives.has("s-maxage")
                && !directives.has("must-revalidate")) {
            return Optional.of("authorization"); // §3.5
        }
        if (Tokens.names(headers.getAll(HttpHeaderNames.VARY)).contains("*")) {
            return Optional.of("vary-star");
        }
        if (rule.setCookie() == CacheRule.SetCookie.BYPASS && headers.contains(HttpHeaderNames.SET_COOKIE)) {
            return Optional.of("set-cookie");
        }
        long length = contentLength(headers);
        if (length > maxObject) {
            return Optional.of("too-large");
        }
        boolean explicit = directives.has("public") || directives.has("max-age") || directives.has("s-maxage")
                || (!targeted && headers.contains(HttpHeaderNames.EXPIRES));
        if (!explicit && !HEURISTIC_STATUSES.contains(status)) {
            return Optional.of("no-freshness");
        }
        if (!explicit && !hasValidator(headers) && rule.heuristic().off()) {
            return Optional.of("no-freshness"); // nothing to reuse it with: never fresh, nothing to revalidate
        }
        return Optional.empty();
    }

    /**
     * The freshness lifetime in milliseconds (§4.2.1): s-maxage, max-age, Expires minus Date, else the configured
     * heuristic. An invalid s-maxage, max-age or Expires makes it 0 (stale), never a fall-through to the next.
     *
     * @param dateMillis     the response's Date (or the time it was received when it has none)
     */
    long lifetime(int status, HttpHeaders headers, CacheRule rule, long dateMillis) {
        if (directives.has("s-maxage")) {
            return Math.max(0, directives.seconds("s-maxage").getAsLong()) * 1000;
        }
        if (directives.has("max-age")) {
            return Math.max(0, directives.seconds("max-age").getAsLong()) * 1000;
        }
        if (!targeted) {
            String expires = headers.get(HttpHeaderNames.EXPIRES);
            if (expires != null) {
                long at = HttpDates.parse(expires);
                return at == HttpDates.INVALID ? 0 : Math.max(0, at - dateMillis);
            }
        }
        CacheRule.Heuristic h = rule.heuristic();
        if (h.off() || !(HEURISTIC_STATUSES.contains(status) || directives.has("public"))) {
            return 0;
        }
        if (h.percent() == 0) {
            return h.lifetime().toMillis();
        }
        long modified = HttpDates.parse(headers.get(HttpHeaderNames.LAST_MODIFIED));
        if (modified == HttpDates.INVALID || modified >= dateMillis) {
            return 0;
        }
        return Math.min((dateMillis - modified) / 100 * h.percent(), CacheRule.Heuristic.MAX_FRACTIONAL.toMillis());
    }

    /** No stale answer without revalidation, whatever the client or the config allows (§4.2.4, §5.2.2.2). */
    boolean noStale() {
        return directives.has("must-revalidate") || directives.has("proxy-revalidate") || directives.has("s-maxage");
    }

    /** Must be revalidated before every reuse (§5.2.2.4, unqualified no-cache). */
    boolean noCache() {
        return directives.hasUnqualified("no-cache");
    }

    /** Field names a shared cache must not store: qualified no-cache and private (§5.2.2.4, §5.2.2.7). */
    List<String> withheldFields() {
        List<String> a = directives.fieldNames("no-cache");
        List<String> b = directives.fieldNames("private");
        if (b.isEmpty()) {
            return a;
        }
        if (a.isEmpty()) {
            return b;
        }
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    /** An extension seconds directive such as stale-while-revalidate, or {@code fallback} when absent or invalid. */
    long secondsOr(String name, long fallbackMillis) {
        if (!directives.has(name)) {
            return fallbackMillis;
        }
        long s = directives.seconds(name).getAsLong();
        return s < 0 ? 0 : s * 1000;
    }

    static boolean hasValidator(HttpHeaders headers) {
        return headers.contains(HttpHeaderNames.ETAG) || headers.contains(HttpHeaderNames.LAST_MODIFIED);
    }

    /** The Content-Length, or -1 when absent or unreadable. */
    static long contentLength(HttpHeaders headers) {
        String v = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
