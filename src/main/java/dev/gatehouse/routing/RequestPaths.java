package dev.gatehouse.routing;

/** Path normalization for matching: the same request must match the same route however it is spelled. */
public final class RequestPaths {
    private RequestPaths() {
    }

    /** The path part of a request-target ({@code /a/b?x=1} gives {@code /a/b}); absolute-form URIs lose scheme and authority. */
    public static String rawPath(String uri) {
        String u = uri;
        if (!u.startsWith("/")) {
            int scheme = u.indexOf("://");
            if (scheme > 0) {
                int slash = u.indexOf('/', scheme + 3);
                u = slash < 0 ? "/" : u.substring(slash);
            }
        }
        int end = u.length();
        for (int i = 0; i < u.length(); i++) {
            char c = u.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        return u.substring(0, end);
    }

    /**
     * Decodes percent-escapes of unreserved characters (RFC 3986 §6.2.2.2), folds repeated slashes and removes dot
     * segments (§5.2.4). Escapes of reserved characters such as {@code %2F} stay as they are.
     */
    public static String normalize(String rawPath) {
        String decoded = decodeUnreserved(rawPath);
        StringBuilder out = new StringBuilder(decoded.length());
        int i = 0;
        int n = decoded.length();
        while (i < n) {
            while (i < n && decoded.charAt(i) == '/') {
                i++;
            }
            int end = decoded.indexOf('/', i);
            if (end < 0) {
                end = n;
            }
            String segment = decoded.substring(i, end);
            if (segment.equals("..")) {
                int last = out.lastIndexOf("/");
                out.setLength(Math.max(0, last));
            } else if (!segment.equals(".") && !segment.isEmpty()) {
                out.append('/').append(segment);
            }
            i = end;
        }
        boolean trailingSlash = decoded.endsWith("/") || decoded.endsWith("/.") || decoded.endsWith("/..");
        if (out.length() == 0 || trailingSlash) {
            out.append('/');
        }
        return out.toString();
    }

    private static String decodeUnreserved(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    char d = (char) (hi * 16 + lo);
                    if (Character.isLetterOrDigit(d) && d < 128 || d == '-' || d == '.' || d == '_' || d == '~') {
                        sb.append(d);
                        i += 2;
                        continue;
                    }
                }
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
