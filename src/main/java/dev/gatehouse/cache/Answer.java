package dev.gatehouse.cache;

import dev.gatehouse.http.ByteRange;
import dev.gatehouse.http.EntityTags;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Set;

/**
 * A response made from a stored one for one request (RFC 9111 §4): the stored fields with a new {@code Age} and the
 * cache's {@code Cache-Status}; for a HEAD, no body; a 304 when the client's {@code If-None-Match} or
 * {@code If-Modified-Since} finds its copy current (§4.3.2); one byte range of a stored 200 (RFC 9110 §14).
 *
 * @param head   the response head to write
 * @param offset where the body to send starts in the stored body
 * @param length body bytes to send (0 for HEAD, 304, 416)
 */
record Answer(HttpResponse head, long offset, long length) {
    /** RFC 9110 §15.4.5: what a 304 carries of the response a 200 would have had. */
    /** Stored fields were validated when they were received: copying them again need not check every byte. */
    private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    private static final Set<String> NOT_MODIFIED_FIELDS = Set.of("cache-control", "content-location", "date", "etag",
            "expires", "last-modified", "vary", "cache-status");

    static Answer of(StoredResponse stored, HttpRequest request, long now, CacheStatus status) {
        boolean head = HttpMethod.HEAD.equals(request.method());
        HttpHeaders req = request.headers();
        long size = stored.body.length();
        if (stored.status / 100 == 2 && notModified(stored, req)) {
            HttpResponse r = response(HttpResponseStatus.NOT_MODIFIED, stored, now, status, true);
            return new Answer(r, 0, 0);
        }
        if (!head && stored.status == 200 && req.contains(HttpHeaderNames.RANGE) && rangeAllowed(stored, req)) {
            ByteRange.Selection sel = ByteRange.select(req.get(HttpHeaderNames.RANGE), size);
            if (sel instanceof ByteRange.Part part) {
                HttpResponse r = response(HttpResponseStatus.PARTIAL_CONTENT, stored, now, status, false);
                r.headers().set(HttpHeaderNames.CONTENT_RANGE, part.range().contentRange(size))
                        .set(HttpHeaderNames.CONTENT_LENGTH, part.range().length());
                return new Answer(r, part.range().first(), part.range().length());
            }
            if (sel instanceof ByteRange.Unsatisfiable) {
                HttpResponse r = response(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE, stored, now, status,
                        false);
                r.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size)
                        .set(HttpHeaderNames.CONTENT_LENGTH, 0);
                return new Answer(r, 0, 0);
            }
        }
        HttpResponse r = response(HttpResponseStatus.valueOf(stored.status, stored.reason), stored, now, status, false);
        if (stored.status == 200) {
            r.headers().set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
        }
        if (stored.status != 204 && stored.status != 304) {
            r.headers().set(HttpHeaderNames.CONTENT_LENGTH, size);
        }
        return new Answer(r, 0, head ? 0 : size);
    }

    private static HttpResponse response(HttpResponseStatus code, StoredResponse stored, long now,
                                         CacheStatus status, boolean notModified) {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, code, HEADERS);
        HttpHeaders h = r.headers();
        if (notModified) {
            for (String name : stored.headers.names()) {
                if (NOT_MODIFIED_FIELDS.contains(name)) {
                    h.set(name, stored.headers.getAll(name));
                }
            }
        } else {
            h.set(stored.headers);
        }
        h.set(HttpHeaderNames.AGE, Math.min(stored.age(now) / 1000, Directives.MAX_DELTA_SECONDS));
        status.addTo(h);
        return r;
    }

    /** RFC 9110 §13.2.2 steps 3 and 4, as a cache evaluates them (RFC 9111 §4.3.2). */
    static boolean notModified(StoredResponse stored, HttpHeaders req) {
        String inm = String.join(",", req.getAll(HttpHeaderNames.IF_NONE_MATCH));
        if (!inm.isEmpty()) {
            String etag = stored.etag();
            return etag != null && EntityTags.matches(inm, etag.trim(), true);
        }
        String ims = req.get(HttpHeaderNames.IF_MODIFIED_SINCE);
        if (ims == null) {
            return false;
        }
        long since = HttpDates.parse(ims);
        if (since == HttpDates.INVALID) {
            return false;
        }
        long modified = HttpDates.parse(stored.lastModified());
        if (modified == HttpDates.INVALID) {
            modified = HttpDates.parse(stored.headers.get(HttpHeaderNames.DATE));
        }
        if (modified == HttpDates.INVALID) {
            modified = stored.responseTime / 1000 * 1000;
        }
        return modified <= since;
    }

    /** If-Range (RFC 9110 §13.1.5): a strong ETag equal to the stored one, or exactly its Last-Modified. */
    private static boolean rangeAllowed(StoredResponse stored, HttpHeaders req) {
        String ifRange = req.get(HttpHeaderNames.IF_RANGE);
        if (ifRange == null) {
            return true;
        }
        String v = ifRange.trim();
        if (v.startsWith("\"") || v.startsWith("W/")) {
            String etag = stored.etag();
            return etag != null && !v.startsWith("W/") && !etag.trim().startsWith("W/") && v.equals(etag.trim());
        }
        long date = HttpDates.parse(v);
        return date != HttpDates.INVALID && date == HttpDates.parse(stored.lastModified());
    }
}
