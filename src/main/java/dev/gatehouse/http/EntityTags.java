package dev.gatehouse.http;

/** Matching of {@code #entity-tag} lists (RFC 9110 §8.8.3); entity tags may contain commas, so no naive split. */
public final class EntityTags {
    private EntityTags() {
    }

    /**
     * Whether {@code list} ({@code *} or entity tags) matches {@code etag}. Weak comparison
     * ignores the {@code W/} prefix on either side; strong comparison needs both strong.
     * An unparsable list matches nothing.
     */
    public static boolean matches(String list, String etag, boolean weak) {
        String value = list.trim();
        if (value.equals("*")) {
            return true;
        }
        String ours = opaque(etag);
        boolean oursWeak = etag.startsWith("W/");
        int i = 0;
        int n = value.length();
        while (i < n) {
            char c = value.charAt(i);
            if (c == ' ' || c == '\t' || c == ',') {
                i++;
                continue;
            }
            boolean theirsWeak = value.startsWith("W/", i);
            if (theirsWeak) {
                i += 2;
            }
            if (i >= n || value.charAt(i) != '"') {
                return false;
            }
            int close = value.indexOf('"', i + 1);
            if (close < 0) {
                return false;
            }
            String theirs = value.substring(i, close + 1);
            if (theirs.equals(ours) && (weak || (!theirsWeak && !oursWeak))) {
                return true;
            }
            i = close + 1;
        }
        return false;
    }

    private static String opaque(String etag) {
        return etag.startsWith("W/") ? etag.substring(2) : etag;
    }
}
