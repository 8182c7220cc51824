package dev.gatehouse.storage;

import java.util.Objects;
import java.util.regex.Pattern;

/** The syntax of {@link Storage} keys, checked the same way by every implementation. */
public final class Keys {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_+:\\[\\]-][A-Za-z0-9._+:\\[\\]-]*");
    /** Long enough for any key Gatehouse makes; short enough for any file system's path limit. */
    static final int MAX_LENGTH = 1024;

    private Keys() {
    }

    /**
     * Returns {@code key} when it is a valid key: slash-separated segments, each of {@code A-Z a-z 0-9 . _ - + : [ ]},
     * not starting with a dot (so no {@code ..}, no hidden or temporary file names), no empty segment, no leading or
     * trailing slash. Nothing can name a place outside the store.
     *
     * @throws IllegalArgumentException saying what was wrong and what was expected
     */
    public static String check(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty() || key.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("storage key \"" + key + "\" (expected: 1 to " + MAX_LENGTH
                    + " characters, like certificates/app.example.com/cert.pem)");
        }
        for (String segment : key.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw new IllegalArgumentException("storage key \"" + key + "\": segment \"" + segment
                        + "\" (expected: letters, digits, . _ - + : [ ], not starting with a dot, separated by single /)");
            }
        }
        return key;
    }

    /** {@link #check} for a prefix of {@link Storage#list}, where {@code ""} (the top level) is allowed too. */
    public static String checkPrefix(String prefix) {
        return Objects.requireNonNull(prefix, "prefix").isEmpty() ? prefix : check(prefix);
    }

    /** {@code prefix/child}, or {@code child} at the top level. */
    public static String join(String prefix, String child) {
        return prefix.isEmpty() ? child : prefix + "/" + child;
    }
}
