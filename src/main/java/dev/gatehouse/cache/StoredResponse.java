package dev.gatehouse.cache;

import dev.gatehouse.config.CacheRule;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One stored response (RFC 9111 §3): its head as stored, what its age is computed from (§4.2.3), the facts reuse
 * decisions need (computed once when stored), the request field values it was selected with (§4.1), its tags, and
 * its body. Immutable; a 304 makes an updated copy that shares the body.
 */
public final class StoredResponse {
    /** The site it was stored for (metrics). */
    final String site;
    final String url;
    final int status;
    final String reason;
    /** Stored fields: no hop-by-hop fields, no Age, no Content-Length (the body's length is known exactly). */
    final HttpHeaders headers;
    final long requestTime;
    final long responseTime;
    /** §4.2.3 corrected_initial_age, in milliseconds. */
    final long initialAge;
    final long lifetime;
    final boolean noCache;
    final boolean noStale;
    final long staleWhileRevalidate;
    final long staleIfError;
    final VaryKey vary;
    final List<String> tags;
    final Body body;

    StoredResponse(String site, String url, int status, String reason, HttpHeaders headers, long requestTime, long responseTime,
                   long initialAge, long lifetime, boolean noCache, boolean noStale, long staleWhileRevalidate,
                   long staleIfError, VaryKey vary, List<String> tags, Body body) {
        this.site = site;
        this.url = url;
        this.status = status;
        this.reason = reason;
        this.headers = headers;
        this.requestTime = requestTime;
        this.responseTime = responseTime;
        this.initialAge = initialAge;
        this.lifetime = lifetime;
        this.noCache = noCache;
        this.noStale = noStale;
        this.staleWhileRevalidate = staleWhileRevalidate;
        this.staleIfError = staleIfError;
        this.vary = vary;
        this.tags = List.copyOf(tags);
        this.body = body;
    }

    /**
     * Builds the stored form of a response received at {@code responseTime} for a request sent at
     * {@code requestTime}; {@code received} is not changed.
     */
    static StoredResponse of(String site, String url, int status, String reason, HttpHeaders received, VaryKey vary,
                             long requestTime, long responseTime, CacheRule rule, Body body) {
        ResponseRules rules = ResponseRules.of(received);
        HttpHeaders stored = storedFields(received, rules, rule);
        long date = date(received, responseTime);
        if (!stored.contains(HttpHeaderNames.DATE)) {
            // RFC 9110 §6.6.1: a cache stores the time it received a response that came without a Date
            stored.set(HttpHeaderNames.DATE, HttpDates.format(responseTime));
        }
        return new StoredResponse(site, url, status, reason, stored, requestTime, responseTime,
                initialAge(received, date, requestTime, responseTime), rules.lifetime(status, received, rule, date),
                rules.noCache(), rules.noStale(),
                rules.secondsOr("stale-while-revalidate", rule.staleWhileRevalidate().toMillis()),
                rules.secondsOr("stale-if-error", rule.staleIfError().toMillis()),
                vary, Tags.of(received, rule.tagHeaders()), body);
    }

    /**
     * After a 304 (RFC 9111 §4.3.4): every field of the 304 replaces the stored one (§3.2) except Content-Length and
     * what may not be stored; the times are the validation's. The body is shared (retained by the caller's holder).
     */
    StoredResponse updatedBy(HttpHeaders notModified, long requestTime, long responseTime, CacheRule rule) {
        HttpHeaders merged = headers.copy();
        ResponseRules incoming = ResponseRules.of(notModified);
        HttpHeaders update = storedFields(notModified, incoming, rule);
        for (String name : update.names()) {
            merged.set(name, update.getAll(name));
        }
        ResponseRules rules = ResponseRules.of(merged);
        long date = date(merged, responseTime);
        return new StoredResponse(site, url, status, reason, merged, requestTime, responseTime,
                initialAge(notModified, date, requestTime, responseTime), rules.lifetime(status, merged, rule, date),
                rules.noCache(), rules.noStale(),
                rules.secondsOr("stale-while-revalidate", rule.staleWhileRevalidate().toMillis()),
                rules.secondsOr("stale-if-error", rule.staleIfError().toMillis()),
                vary, Tags.of(merged, rule.tagHeaders()), body);
    }

    /** §4.2.3 current_age, in milliseconds. */
    long age(long now) {
        return initialAge + Math.max(0, now - responseTime);
    }

    /** Remaining freshness in milliseconds; negative once stale. */
    long ttl(long now) {
        return lifetime - age(now);
    }

    boolean fresh(long now) {
        return ttl(now) > 0;
    }

    String etag() {
        return headers.get(HttpHeaderNames.ETAG);
    }

    String lastModified() {
        return headers.get(HttpHeaderNames.LAST_MODIFIED);
    }

    boolean hasValidator() {
        return etag() != null || lastModified() != null;
    }

    /** Bytes this response takes in memory: its body if in memory, its fields, and a little bookkeeping. */
    long weight() {
        long fields = 64;
        for (Map.Entry<String, String> e : headers) {
            fields += e.getKey().length() + e.getValue().length() + 32;
        }
        return fields + url.length() * 2L + (body instanceof Body.Memory ? body.length() : 0);
    }

    StoredResponse withBody(Body other) {
        return new StoredResponse(site, url, status, reason, headers, requestTime, responseTime, initialAge, lifetime,
                noCache, noStale, staleWhileRevalidate, staleIfError, vary, tags, other);
    }

    /** Fields a shared cache stores (§3.1): all but hop-by-hop, proxy-specific, withheld and recomputed ones. */
    private static HttpHeaders storedFields(HttpHeaders received, ResponseRules rules, CacheRule rule) {
        HttpHeaders out = new DefaultHttpHeaders();
        List<String> connection = Tokens.names(received.getAll(HttpHeaderNames.CONNECTION));
        List<String> withheld = rules.withheldFields();
        for (Map.Entry<String, String> e : received) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (!NOT_STORED.contains(name) && !connection.contains(name) && !withheld.contains(name)
                    && !(name.equals("set-cookie") && rule.setCookie() != CacheRule.SetCookie.STORE)) {
                out.add(name, e.getValue());
            }
        }
        return out;
    }

    private static final java.util.Set<String> NOT_STORED = java.util.Set.of("connection", "keep-alive",
            "proxy-connection", "te", "transfer-encoding", "upgrade", "trailer", "proxy-authenticate",
            "proxy-authentication-info", "proxy-authorization", "age", "content-length");

    /** The Date field's time, or when the response arrived when it has none or an invalid one (§4.2.3). */
    private static long date(HttpHeaders headers, long responseTime) {
        long d = HttpDates.parse(headers.get(HttpHeaderNames.DATE));
        return d == HttpDates.INVALID ? responseTime : d;
    }

    /**
     * §4.2.3: max(apparent_age, age_value + response_delay). The apparent age compares Date, which has whole seconds,
     * with the arrival time in whole seconds too: a response that left the origin this second is not up to a second
     * old just because the clock's milliseconds ran on.
     */
    private static long initialAge(HttpHeaders headers, long date, long requestTime, long responseTime) {
        long apparent = Math.max(0, responseTime / 1000 * 1000 - date);
        long ageValue = ageSeconds(headers.getAll(HttpHeaderNames.AGE)) * 1000;
        return Math.max(apparent, ageValue + Math.max(0, responseTime - requestTime));
    }

    /**
     * The Age field (§5.1), a delta-seconds: when a sender repeated it (on one line or several) the first value
     * counts, and parameters after it are ignored; a value that is not a non-negative integer (a sign, a fraction,
     * letters) is ignored as a whole (§4.2.3 then computes the age from Date alone). Values beyond 2^31 are capped.
     */
    static long ageSeconds(List<String> lines) {
        if (lines.isEmpty()) {
            return 0;
        }
        String v = lines.get(0);
        int end = v.length();
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) == ',' || v.charAt(i) == ';') {
                end = i;
                break;
            }
        }
        v = v.substring(0, end).trim();
        if (v.isEmpty()) {
            return 0;
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
            n = Math.min(Directives.MAX_DELTA_SECONDS, n * 10 + (c - '0'));
        }
        return n;
    }
}
