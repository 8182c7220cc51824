package dev.gatehouse.cache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The secondary key of a stored response (RFC 9111 §4.1): the field names its {@code Vary} lists, and the values the
 * request that fetched it had for them, normalised so that equivalent requests match: lines combined, list elements
 * trimmed, and for fields whose values are case-insensitive lists, lower-cased (and sorted where order carries no
 * meaning). A field absent from the request matches only a request where it is absent too.
 *
 * @param names  lower-cased names from Vary, in order, without duplicates
 * @param values one normalised value per name, null for "absent"
 */
public record VaryKey(List<String> names, List<String> values) {
    public static final VaryKey NONE = new VaryKey(List.of(), List.of());
    /** Lists whose order carries no meaning (preferences are in q-values), compared as sorted sets. */
    private static final Set<String> UNORDERED = Set.of("accept-encoding");
    /** Fields whose values are case-insensitive. */
    private static final Set<String> CASELESS = Set.of("accept-encoding", "accept-language", "accept-charset");

    /** The key of a response with {@code responseHeaders} selected by a request with {@code requestHeaders}. */
    public static VaryKey of(HttpHeaders responseHeaders, HttpHeaders requestHeaders) {
        List<String> lines = responseHeaders.getAll(HttpHeaderNames.VARY);
        if (lines.isEmpty()) {
            return NONE;
        }
        List<String> names = new ArrayList<>();
        for (String n : Tokens.names(lines)) {
            if (!names.contains(n)) {
                names.add(n);
            }
        }
        return names.isEmpty() ? NONE : new VaryKey(List.copyOf(names), valuesOf(names, requestHeaders));
    }

    /** Whether a request with {@code requestHeaders} selects the response stored under this key. */
    public boolean matches(HttpHeaders requestHeaders) {
        if (names.isEmpty()) {
            return true;
        }
        for (int i = 0; i < names.size(); i++) {
            if (!Objects.equals(values.get(i), normalised(names.get(i), requestHeaders))) {
                return false;
            }
        }
        return true;
    }

    private static List<String> valuesOf(List<String> names, HttpHeaders requestHeaders) {
        List<String> out = new ArrayList<>(names.size());
        for (String n : names) {
            out.add(normalised(n, requestHeaders));
        }
        return Collections.unmodifiableList(out);
    }

    static String normalised(String name, HttpHeaders headers) {
        List<String> lines = headers.getAll(name);
        if (lines.isEmpty()) {
            return null;
        }
        List<String> elements = Tokens.elements(lines);
        if (CASELESS.contains(name)) {
            elements.replaceAll(e -> e.toLowerCase(Locale.ROOT).replace(" ", ""));
        }
        if (UNORDERED.contains(name)) {
            Collections.sort(elements);
        }
        return String.join(",", elements);
    }
}
