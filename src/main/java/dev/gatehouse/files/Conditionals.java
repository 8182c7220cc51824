package dev.gatehouse.files;

import dev.gatehouse.http.EntityTags;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Date;
import java.util.List;

/**
 * The validators of one file (ETag and Last-Modified) and the evaluation of conditional request
 * headers against them, in the order of RFC 9110 §13.2.2.
 *
 * <p>The ETag is strong and derived from size and modification time, as nginx does: cheap (no
 * hashing of content) and good enough for files replaced by a deploy. Being strong, it also works
 * with {@code If-Range}, which only admits strong comparison.
 *
 * @param etag                 quoted entity tag
 * @param lastModifiedSeconds  modification time in whole seconds since the epoch, no later than now
 */
record Conditionals(String etag, long lastModifiedSeconds) {

    /** What the preconditions say. */
    enum Outcome {
        /** No precondition stops the request: serve it. */
        PROCEED,
        /** 304: the client's copy is current. */
        NOT_MODIFIED,
        /** 412: an If-Match or If-Unmodified-Since precondition failed. */
        PRECONDITION_FAILED
    }

    static Conditionals of(long size, long modifiedMillis, long nowMillis) {
        String etag = "\"" + Long.toHexString(modifiedMillis) + "-" + Long.toHexString(size) + "\"";
        // RFC 9110 §8.8.2.1: never claim a modification later than the response's Date
        return new Conditionals(etag, Math.min(modifiedMillis, nowMillis) / 1000);
    }

    /** The Last-Modified header value (IMF-fixdate). */
    String lastModified() {
        return DateFormatter.format(new Date(lastModifiedSeconds * 1000));
    }

    /** Evaluates If-Match, If-Unmodified-Since, If-None-Match and If-Modified-Since for GET or HEAD. */
    Outcome evaluate(HttpHeaders headers) {
        String ifMatch = joined(headers, HttpHeaderNames.IF_MATCH);
        if (ifMatch != null) {
            if (!EntityTags.matches(ifMatch, etag, false)) {
                return Outcome.PRECONDITION_FAILED;
            }
        } else {
            Long since = date(headers.get(HttpHeaderNames.IF_UNMODIFIED_SINCE));
            if (since != null && lastModifiedSeconds > since) {
                return Outcome.PRECONDITION_FAILED;
            }
        }
        String ifNoneMatch = joined(headers, HttpHeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch != null) {
            return EntityTags.matches(ifNoneMatch, etag, true) ? Outcome.NOT_MODIFIED : Outcome.PROCEED;
        }
        Long since = date(headers.get(HttpHeaderNames.IF_MODIFIED_SINCE));
        if (since != null && lastModifiedSeconds <= since) {
            return Outcome.NOT_MODIFIED;
        }
        return Outcome.PROCEED;
    }

    /**
     * Whether a Range header may be honoured: true without If-Range; with it, only when it names
     * this ETag (strong comparison) or exactly this Last-Modified date (RFC 9110 §13.1.5).
     */
    boolean rangeAllowed(HttpHeaders headers) {
        String ifRange = headers.get(HttpHeaderNames.IF_RANGE);
        if (ifRange == null) {
            return true;
        }
        String value = ifRange.trim();
        if (value.startsWith("\"") || value.startsWith("W/")) {
            return !value.startsWith("W/") && value.equals(etag);
        }
        Long date = date(value);
        return date != null && date == lastModifiedSeconds;
    }

    /** Several header lines of a list-valued field are one comma-separated list (RFC 9110 §5.3). */
    private static String joined(HttpHeaders headers, CharSequence name) {
        List<String> values = headers.getAll(name);
        return values.isEmpty() ? null : String.join(",", values);
    }

    /** Seconds since the epoch, or null when absent or not an HTTP-date (which RFC 9110 says to ignore). */
    private static Long date(String value) {
        if (value == null) {
            return null;
        }
        Date date = DateFormatter.parseHttpDate(value.trim());
        return date == null ? null : date.getTime() / 1000;
    }
}
