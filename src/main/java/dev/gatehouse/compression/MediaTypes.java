package dev.gatehouse.compression;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The media types a {@code compress} rule covers, from its {@code types}: {@code type/subtype} exactly,
 * {@code type/*} for a whole top-level type, {@code type/*+suffix} for a structured-syntax suffix (RFC 6838 §4.2.8,
 * {@code application/*+json} covers {@code application/ld+json}). Parameters ({@code ; charset=utf-8}) and case do
 * not matter.
 */
final class MediaTypes {
    private final Set<String> exact = new HashSet<>();
    /** "text/" for text/*. */
    private final Set<String> topLevel = new HashSet<>();
    /** "application/" + "+json" for application/*+json, as pairs. */
    private final Set<String> suffixed = new HashSet<>();

    MediaTypes(List<String> patterns) {
        for (String p : patterns) {
            String pattern = p.toLowerCase(Locale.ROOT);
            int slash = pattern.indexOf('/');
            String sub = pattern.substring(slash + 1);
            if (sub.equals("*")) {
                topLevel.add(pattern.substring(0, slash + 1));
            } else if (sub.startsWith("*+")) {
                suffixed.add(pattern.substring(0, slash + 1) + sub.substring(1));
            } else {
                exact.add(pattern);
            }
        }
    }

    /** Whether a response with this Content-Type (null when it has none: never) is covered. */
    boolean covers(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        int slash = type.indexOf('/');
        if (slash <= 0 || slash == type.length() - 1) {
            return false;
        }
        if (exact.contains(type) || topLevel.contains(type.substring(0, slash + 1))) {
            return true;
        }
        int plus = type.lastIndexOf('+');
        return plus > slash && suffixed.contains(type.substring(0, slash + 1) + type.substring(plus));
    }
}
