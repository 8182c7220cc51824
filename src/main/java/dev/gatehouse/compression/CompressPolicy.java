package dev.gatehouse.compression;

import dev.gatehouse.config.Compress;
import dev.gatehouse.config.Compress.Algorithm;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.AsciiString;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One {@code compress} rule, compiled: the codings offered (those whose encoder runs here; gzip when none of the
 * listed ones does), their levels, the types and the size that qualify, and the header changes a compressed
 * response gets. Immutable, shared by every event loop.
 */
final class CompressPolicy {
    /** Held at most this much of a body without Content-Length while deciding whether it reaches min_size. */
    static final int MAX_HOLD = 64 * 1024;
    private static final AsciiString ACCEPT_ENCODING = AsciiString.cached("Accept-Encoding");

    /** What a response head says about compressing its body. */
    enum Verdict {
        /** Sent as it is: not a type, size or status that is compressed, or already encoded. */
        NO,
        /** A body of known length, at least min_size: compressed. */
        YES,
        /** A body without Content-Length: compressed once min_size bytes of it are seen. */
        IF_LONG,
        /** A 304 of what would be compressed: it gets the Vary and ETag the full response would have. */
        NOT_MODIFIED
    }

    private final List<Algorithm> offered;
    private final int[] levels;
    private final MediaTypes types;
    private final long minSize;

    CompressPolicy(Compress config) {
        List<Algorithm> usable = new ArrayList<>();
        for (Algorithm a : config.algorithms()) {
            if (Codecs.usable(a)) {
                usable.add(a);
            }
        }
        if (usable.isEmpty()) {
            usable.add(Algorithm.GZIP);
        }
        this.offered = List.copyOf(usable);
        this.levels = new int[Algorithm.values().length];
        for (Algorithm a : Algorithm.values()) {
            levels[a.ordinal()] = config.algorithms().contains(a) ? config.level(a) : a.defaultLevel();
        }
        this.types = new MediaTypes(config.types());
        this.minSize = config.minSize();
    }

    List<Algorithm> offered() {
        return offered;
    }

    int level(Algorithm a) {
        return levels[a.ordinal()];
    }

    /** How many bytes of a body without Content-Length are held before it is compressed. */
    long holdLimit() {
        return Math.min(minSize, MAX_HOLD);
    }

    Verdict judge(HttpResponse head) {
        int code = head.status().code();
        HttpHeaders h = head.headers();
        if (code == 304) {
            String type = h.get(HttpHeaderNames.CONTENT_TYPE);
            return (type == null || types.covers(type)) && !encoded(h) && !noTransform(h) ? Verdict.NOT_MODIFIED
                    : Verdict.NO;
        }
        // RFC 9110: no body in 1xx, 204, 205, 304; a 206 (or anything with Content-Range) is a part of the
        // identity body, whose offsets compression would break
        if (code < 200 || code == 204 || code == 205 || code == 206 || h.contains(HttpHeaderNames.CONTENT_RANGE)
                || encoded(h) || noTransform(h) || !types.covers(h.get(HttpHeaderNames.CONTENT_TYPE))) {
            return Verdict.NO;
        }
        long length = HttpUtil.getContentLength(head, -1L);
        if (length >= 0) {
            return length < minSize ? Verdict.NO : Verdict.YES;
        }
        return Verdict.IF_LONG;
    }

    /** Marks a head whose body is now coded with {@code coding}. */
    static void compressed(HttpResponse head, Algorithm coding) {
        HttpHeaders h = head.headers();
        HttpUtil.setTransferEncodingChunked(head, true); // no Content-Length: the coded length is known at the end
        h.set(HttpHeaderNames.CONTENT_ENCODING, coding.token());
        // Ranges of the identity body are not ranges of this one: no more Accept-Ranges (as nginx does)
        h.remove(HttpHeaderNames.ACCEPT_RANGES);
        weakenEtag(h);
        addVary(h);
    }

    /** Adds {@code Accept-Encoding} to Vary unless it is there (or Vary is {@code *}). */
    static void addVary(HttpHeaders h) {
        List<String> lines = h.getAll(HttpHeaderNames.VARY);
        if (lines.isEmpty()) {
            h.set(HttpHeaderNames.VARY, ACCEPT_ENCODING);
            return;
        }
        for (String line : lines) {
            for (String name : line.split(",")) {
                String n = name.trim();
                if (n.equals("*") || n.equalsIgnoreCase("accept-encoding")) {
                    return;
                }
            }
        }
        h.set(HttpHeaderNames.VARY, String.join(", ", lines) + ", " + ACCEPT_ENCODING);
    }

    /**
     * A strong ETag names exact bytes, which the coded body no longer has (RFC 9110 §8.8.1): it becomes weak, so that
     * conditional requests (weak comparison) still match and range requests (strong) do not.
     */
    static void weakenEtag(HttpHeaders h) {
        String etag = h.get(HttpHeaderNames.ETAG);
        if (etag != null && etag.startsWith("\"")) {
            h.set(HttpHeaderNames.ETAG, "W/" + etag);
        }
    }

    /** A Content-Encoding other than identity: the body is coded already. */
    private static boolean encoded(HttpHeaders h) {
        String ce = h.get(HttpHeaderNames.CONTENT_ENCODING);
        return ce != null && !ce.isBlank() && !ce.trim().equalsIgnoreCase("identity");
    }

    /** Cache-Control: no-transform (RFC 9111 §5.2.2.6): no intermediary may change the body. */
    private static boolean noTransform(HttpHeaders h) {
        for (String cc : h.getAll(HttpHeaderNames.CACHE_CONTROL)) {
            for (String directive : cc.split(",")) {
                String d = directive.trim();
                int eq = d.indexOf('=');
                if ((eq < 0 ? d : d.substring(0, eq).trim()).toLowerCase(Locale.ROOT).equals("no-transform")) {
                    return true;
                }
            }
        }
        return false;
    }
}
