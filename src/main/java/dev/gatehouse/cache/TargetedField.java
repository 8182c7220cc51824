package dev.gatehouse.cache;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Cache-Control fields aimed at a shared cache like this one: {@code CDN-Cache-Control} (RFC 9213, a structured
 * field dictionary, RFC 8941 §3.2) and {@code Surrogate-Control} (Cache-Control syntax). When one of them holds a
 * valid, non-empty value, RFC 9213 §2.2 says to use it and ignore {@code Cache-Control} and {@code Expires}.
 */
final class TargetedField {
    /** The target list, in order of precedence (RFC 9213 §2.2: the first valid one is used). */
    static final List<String> NAMES = List.of("cdn-cache-control", "surrogate-control");
    /**
     * The device token this cache answers to: it announces itself to origins in {@code Surrogate-Capability}, and
     * {@code Surrogate-Control} directives suffixed {@code ;gatehouse} are for it alone.
     */
    static final String DEVICE = "gatehouse";
    /** Edge Architecture 1.0 §2: what a surrogate appends to the requests it forwards. */
    static final String CAPABILITY = DEVICE + "=\"Surrogate/1.0\"";
    private static final Set<String> DELTA_SECONDS = Set.of("max-age", "s-maxage", "stale-while-revalidate",
            "stale-if-error");

    private TargetedField() {
    }

    /** The directives of the first valid, non-empty targeted field in {@code lines} (per field name). */
    static Optional<Directives> select(List<String> cdnCacheControl, List<String> surrogateControl) {
        if (!cdnCacheControl.isEmpty()) {
            Optional<Directives> d = structured(cdnCacheControl).filter(x -> !x.isEmpty());
            if (d.isPresent()) {
                return d;
            }
        }
        if (!surrogateControl.isEmpty()) {
            Directives d = surrogate(surrogateControl);
            if (!d.isEmpty()) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /**
     * Surrogate-Control (Edge Architecture 1.0 §3): a directive without a device token is for every surrogate; one
     * suffixed {@code ;token} only for the surrogate of that name: those for this cache override the general ones,
     * those for others are ignored.
     */
    static Directives surrogate(List<String> lines) {
        List<String> general = new ArrayList<>();
        List<String> mine = new ArrayList<>();
        for (String element : Tokens.elements(lines)) {
            int semi = deviceSeparator(element);
            if (semi < 0) {
                general.add(element);
            } else if (element.substring(semi + 1).trim().equalsIgnoreCase(DEVICE)) {
                mine.add(element.substring(0, semi));
            }
        }
        return Directives.overriding(Directives.parse(general), Directives.parse(mine));
    }

    /** The last {@code ;} outside a quoted string, or -1. */
    private static int deviceSeparator(String element) {
        int found = -1;
        for (int i = 0; i < element.length(); i++) {
            char c = element.charAt(i);
            if (c == '"') {
                int close = Tokens.quotedEnd(element, i);
                if (close < 0) {
                    return found;
                }
                i = close;
            } else if (c == ';') {
                found = i;
            }
        }
        return found;
    }

    /**
     * An RFC 8941 dictionary; empty when it does not parse (the whole field is then ignored, RFC 8941 §4.2).
     * Members whose value has the wrong type for their directive (a string {@code max-age}) are left out.
     */
    static Optional<Directives> structured(List<String> lines) {
        String s = String.join(",", lines);
        Map<String, Directives.Directive> out = new HashMap<>();
        int[] pos = {skipSp(s, 0)};
        int n = s.length();
        while (pos[0] < n) {
            String key = key(s, pos);
            if (key == null) {
                return Optional.empty();
            }
            Object value = Boolean.TRUE;
            if (pos[0] < n && s.charAt(pos[0]) == '=') {
                pos[0]++;
                value = bareItem(s, pos);
                if (value == null) {
                    return Optional.empty();
                }
            }
            if (!parameters(s, pos)) {
                return Optional.empty();
            }
            Directives.Directive d = directive(key, value);
            if (d != null) {
                out.put(key, d); // RFC 8941: a later duplicate key overwrites the earlier one
            } else {
                out.remove(key);
            }
            pos[0] = skipOws(s, pos[0]);
            if (pos[0] >= n) {
                break;
            }
            if (s.charAt(pos[0]) != ',') {
                return Optional.empty();
            }
            pos[0] = skipOws(s, pos[0] + 1);
            if (pos[0] >= n) {
                return Optional.empty(); // trailing comma
            }
        }
        return Optional.of(Directives.of(out));
    }

    private static Directives.Directive directive(String key, Object value) {
        if (DELTA_SECONDS.contains(key)) {
            return value instanceof Long l && l >= 0 ? new Directives.Directive(Long.toString(l), false) : null;
        }
        if (value instanceof Boolean b) {
            return b ? new Directives.Directive(null, false) : null;
        }
        return new Directives.Directive(value.toString(), false);
    }

    private static String key(String s, int[] pos) {
        int i = pos[0];
        if (i >= s.length() || !(isLcalpha(s.charAt(i)) || s.charAt(i) == '*')) {
            return null;
        }
        int start = i++;
        while (i < s.length() && (isLcalpha(s.charAt(i)) || Character.isDigit(s.charAt(i))
                || "_-.*".indexOf(s.charAt(i)) >= 0)) {
            i++;
        }
        pos[0] = i;
        return s.substring(start, i);
    }

    /** Integer (as Long), decimal (Double), string, token or boolean; null when malformed. */
    private static Object bareItem(String s, int[] pos) {
        int i = pos[0];
        int n = s.length();
        if (i >= n) {
            return null;
        }
        char c = s.charAt(i);
        if (c == '-' || Character.isDigit(c)) {
            int start = i;
            if (c == '-') {
                i++;
            }
            int digits = i;
            while (i < n && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (i == digits) {
                return null;
            }
            if (i < n && s.charAt(i) == '.') {
                int frac = ++i;
                while (i < n && Character.isDigit(s.charAt(i))) {
                    i++;
                }
                if (i == frac || i - frac > 3 || frac - 1 - digits > 12) {
                    return null;
                }
                pos[0] = i;
                return Double.parseDouble(s.substring(start, i));
            }
            if (i - digits > 15) {
                return null;
            }
            pos[0] = i;
            return Long.parseLong(s.substring(start, i));
        }
        if (c == '"') {
            StringBuilder out = new StringBuilder();
            for (i++; i < n; i++) {
                char x = s.charAt(i);
                if (x == '\\') {
                    if (i + 1 >= n || (s.charAt(i + 1) != '"' && s.charAt(i + 1) != '\\')) {
                        return null;
                    }
                    out.append(s.charAt(++i));
                } else if (x == '"') {
                    pos[0] = i + 1;
                    return out.toString();
                } else if (x < 0x20 || x > 0x7e) {
                    return null;
                } else {
                    out.append(x);
                }
            }
            return null;
        }
        if (c == '?') {
            if (i + 1 < n && (s.charAt(i + 1) == '0' || s.charAt(i + 1) == '1')) {
                pos[0] = i + 2;
                return s.charAt(i + 1) == '1';
            }
            return null;
        }
        if (Character.isLetter(c) && c < 128 || c == '*') {
            int start = i++;
            while (i < n && (Tokens.isTchar(s.charAt(i)) || s.charAt(i) == ':' || s.charAt(i) == '/')) {
                i++;
            }
            pos[0] = i;
            return s.substring(start, i);
        }
        return null; // byte sequences and anything else: not used by cache directives
    }

    private static boolean parameters(String s, int[] pos) {
        while (pos[0] < s.length() && s.charAt(pos[0]) == ';') {
            pos[0] = skipSp(s, pos[0] + 1);
            if (key(s, pos) == null) {
                return false;
            }
            if (pos[0] < s.length() && s.charAt(pos[0]) == '=') {
                pos[0]++;
                if (bareItem(s, pos) == null) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isLcalpha(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static int skipSp(String s, int i) {
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    private static int skipOws(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }
}
