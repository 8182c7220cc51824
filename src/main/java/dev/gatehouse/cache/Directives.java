package dev.gatehouse.cache;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The directives of a {@code Cache-Control} field (RFC 9111 §5.2), or of a field with the same syntax
 * ({@code Surrogate-Control}), parsed once: {@code cache-directive = token [ "=" ( token / quoted-string ) ]}.
 *
 * <p>Names are case-insensitive. When a directive appears more than once (on one line or several) the first
 * occurrence counts (§4.2.1 allows "the first occurrence" or "stale"; first keeps the common case working). A
 * directive written against the grammar ({@code max-age =100}, {@code max-age= 100}, {@code max-age='3600'}) is
 * kept as <i>malformed</i>: its presence is known, its value is not, and a malformed freshness directive makes
 * the response stale rather than falling back to another (§4.2.1: "consider responses that have invalid freshness
 * information as stale"). Directive names inside quoted strings are never seen as directives.
 */
public final class Directives {
    /** RFC 9111 §1.2.2: a delta-seconds larger than this is taken as this. */
    public static final long MAX_DELTA_SECONDS = 2_147_483_648L;

    static final Directives NONE = new Directives(Map.of(), false);

    /** A directive as written: {@code value} is null without {@code =}; {@code malformed} for grammar errors. */
    record Directive(String value, boolean malformed) {
    }

    private final Map<String, Directive> directives;
    private final boolean present;

    private Directives(Map<String, Directive> directives, boolean present) {
        this.directives = directives;
        this.present = present;
    }

    /** Parses the field lines of one field (several lines are one comma-separated list, RFC 9110 §5.3). */
    public static Directives parse(List<String> lines) {
        if (lines.isEmpty()) {
            return NONE;
        }
        Map<String, Directive> out = new HashMap<>();
        for (String line : lines) {
            parseLine(line, out);
        }
        return new Directives(out, true);
    }

    /** Directives built by another parser (the structured-field one of {@code CDN-Cache-Control}). */
    static Directives of(Map<String, Directive> directives) {
        return new Directives(Map.copyOf(directives), true);
    }

    /** {@code base} with the directives of {@code over} in place of its own of the same names. */
    static Directives overriding(Directives base, Directives over) {
        if (over.isEmpty()) {
            return base;
        }
        Map<String, Directive> merged = new HashMap<>(base.directives);
        merged.putAll(over.directives);
        return new Directives(Map.copyOf(merged), true);
    }

    public static Directives parse(String line) {
        return line == null ? NONE : parse(List.of(line));
    }

    /** Whether the field was present at all (even empty). */
    public boolean present() {
        return present;
    }

    public boolean isEmpty() {
        return directives.isEmpty();
    }

    /** Whether the directive is present, with or without a value, well-formed or not. */
    public boolean has(String name) {
        return directives.containsKey(name);
    }

    /**
     * A directive without an argument, or with a field-name list (as {@code no-cache} and {@code private} may have):
     * true when present without one.
     */
    public boolean hasUnqualified(String name) {
        Directive d = directives.get(name);
        return d != null && (d.value() == null || d.malformed());
    }

    /**
     * A delta-seconds argument (§1.2.2): empty when the directive is absent; {@code -1} when present but not a
     * non-negative decimal (no sign, no fraction, no letters; a quoted number is accepted as senders write it);
     * values beyond {@link #MAX_DELTA_SECONDS} are capped.
     */
    public OptionalLong seconds(String name) {
        Directive d = directives.get(name);
        if (d == null) {
            return OptionalLong.empty();
        }
        if (d.malformed() || d.value() == null || d.value().isEmpty()) {
            return OptionalLong.of(-1);
        }
        String v = d.value();
        long value = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return OptionalLong.of(-1);
            }
            value = Math.min(MAX_DELTA_SECONDS, value * 10 + (c - '0'));
        }
        return OptionalLong.of(value);
    }

    /** The field names of a qualified {@code no-cache="a, b"} or {@code private="a"}; empty when not qualified. */
    public List<String> fieldNames(String name) {
        Directive d = directives.get(name);
        if (d == null || d.value() == null || d.malformed()) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (String part : d.value().split(",")) {
            String n = part.trim().toLowerCase(Locale.ROOT);
            if (!n.isEmpty()) {
                names.add(n);
            }
        }
        return names;
    }

    /** The raw argument, when the directive has one. */
    public Optional<String> value(String name) {
        Directive d = directives.get(name);
        return d == null || d.malformed() ? Optional.empty() : Optional.ofNullable(d.value());
    }

    private static void parseLine(String s, Map<String, Directive> out) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == ',')) {
                i++;
            }
            int start = i;
            while (i < n && Tokens.isTchar(s.charAt(i))) {
                i++;
            }
            if (i == start) {
                i = skipElement(s, i); // junk where a directive should start
                continue;
            }
            String name = s.substring(start, i).toLowerCase(Locale.ROOT);
            Directive d;
            if (i < n && s.charAt(i) == '=') {
                i++;
                if (i < n && s.charAt(i) == '"') {
                    int close = Tokens.quotedEnd(s, i);
                    if (close < 0) {
                        d = new Directive(null, true);
                        i = n;
                    } else {
                        d = new Directive(Tokens.unquote(s, i, close), false);
                        i = close + 1;
                    }
                } else {
                    int vs = i;
                    while (i < n && Tokens.isTchar(s.charAt(i))) {
                        i++;
                    }
                    d = new Directive(s.substring(vs, i), i == vs);
                }
            } else {
                d = new Directive(null, false);
            }
            // Anything but OWS before the next comma makes the element malformed (e.g. "max-age =100").
            int j = i;
            while (j < n && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) {
                j++;
            }
            if (j < n && s.charAt(j) != ',') {
                d = new Directive(null, true);
                j = skipElement(s, j);
            }
            out.putIfAbsent(name, d);
            i = j;
        }
    }

    /** Index of the comma ending the element that contains {@code i}, skipping quoted strings; n at the end. */
    private static int skipElement(String s, int i) {
        int n = s.length();
        while (i < n && s.charAt(i) != ',') {
            if (s.charAt(i) == '"') {
                int close = Tokens.quotedEnd(s, i);
                if (close < 0) {
                    return n;
                }
                i = close + 1;
            } else {
                i++;
            }
        }
        return i;
    }

    @Override
    public String toString() {
        return directives.toString();
    }
}
