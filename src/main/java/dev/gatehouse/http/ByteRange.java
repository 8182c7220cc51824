package dev.gatehouse.http;

/**
 * One satisfiable byte range of a representation, and the parser for the {@code Range} header
 * (RFC 9110 §14.1.2 and §14.2).
 *
 * <p>Only a single range is honoured. A request for several ranges gets the whole file with 200,
 * which RFC 9110 §14.2 allows ("a server MAY ignore the Range header field") and which spares us
 * multipart/byteranges; browsers and download tools ask for one range. Used by static files and the cache. A header we cannot parse,
 * or in a unit other than {@code bytes}, is ignored the same way, as nginx does.
 *
 * @param first  offset of the first byte, inclusive
 * @param length number of bytes, at least 1
 */
public record ByteRange(long first, long length) {

    /** What a {@code Range} header asks of a representation of a given size. */
    public sealed interface Selection permits Whole, Part, Unsatisfiable {
    }

    /** Serve the whole representation with 200. */
    public record Whole() implements Selection {
    }

    /** Serve one range with 206. */
    public record Part(ByteRange range) implements Selection {
    }

    /** Answer 416 with {@code Content-Range: bytes *}{@code /size}. */
    public record Unsatisfiable() implements Selection {
    }

    private static final Whole WHOLE = new Whole();
    private static final Unsatisfiable UNSATISFIABLE = new Unsatisfiable();

    /** Offset of the last byte, inclusive. */
    public long last() {
        return first + length - 1;
    }

    /** The {@code Content-Range} value for a 206 response. */
    public String contentRange(long size) {
        return "bytes " + first + "-" + last() + "/" + size;
    }

    /**
     * Parses a {@code Range} header value against a representation of {@code size} bytes.
     *
     * @param header the header value, or null when the request has none
     */
    public static Selection select(String header, long size) {
        if (header == null) {
            return WHOLE;
        }
        int eq = header.indexOf('=');
        if (eq < 0 || !header.substring(0, eq).trim().equalsIgnoreCase("bytes")) {
            return WHOLE;
        }
        String spec = header.substring(eq + 1).trim();
        if (spec.indexOf(',') >= 0) {
            return WHOLE; // several ranges: see the class comment
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return WHOLE;
        }
        String from = spec.substring(0, dash).trim();
        String to = spec.substring(dash + 1).trim();
        if (from.isEmpty()) {
            return suffix(to, size);
        }
        long first = parseDigits(from);
        long last = to.isEmpty() ? Long.MAX_VALUE : parseDigits(to);
        if (first < 0 || last < 0 || last < first) {
            return WHOLE; // invalid syntax, ignored (RFC 9110 §14.1.1: last-pos < first-pos is invalid)
        }
        if (first >= size) {
            return UNSATISFIABLE;
        }
        long end = Math.min(last, size - 1);
        return new Part(new ByteRange(first, end - first + 1));
    }

    /** {@code bytes=-n}: the last n bytes, or the whole representation when it is shorter. */
    private static Selection suffix(String digits, long size) {
        long n = parseDigits(digits);
        if (n < 0) {
            return WHOLE;
        }
        if (n == 0) {
            return UNSATISFIABLE;
        }
        if (size == 0) {
            return WHOLE; // a zero-length body cannot be described by a Content-Range
        }
        long length = Math.min(n, size);
        return new Part(new ByteRange(size - length, length));
    }

    /**
     * A non-negative decimal, saturating at {@link Long#MAX_VALUE} (a huge position is still a
     * valid one); -1 when the text is empty or not all ASCII digits.
     */
    private static long parseDigits(String text) {
        if (text.isEmpty()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            if (value > (Long.MAX_VALUE - 9) / 10) {
                value = Long.MAX_VALUE;
            } else {
                value = value * 10 + (c - '0');
            }
        }
        return value;
    }
}
