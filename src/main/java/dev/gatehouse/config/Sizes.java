package dev.gatehouse.config;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as written in the config: a whole number with an optional unit {@code b}, {@code kb}, {@code mb},
 * {@code gb} (1024-based, any case), e.g. {@code 8kb}, {@code 10mb}, {@code 1gb}; a bare number is bytes.
 */
public final class Sizes {
    static final String EXPECTED = "expected: like 512b, 8kb, 10mb, 1gb or a number of bytes";
    private static final Pattern SIZE = Pattern.compile("(\\d{1,18})(b|kb|mb|gb)?");

    private Sizes() {
    }

    /**
     * Parses a size such as {@code 8kb} into bytes.
     *
     * @throws IllegalArgumentException saying what was expected, e.g.
     *         {@code "8 kilobytes" is not a size (expected: like 512b, 8kb, 10mb, 1gb or a number of bytes)}
     */
    public static long parse(String text) {
        Objects.requireNonNull(text, "text");
        Matcher m = SIZE.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a size (" + EXPECTED + ")");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        int shift = switch (unit) {
            case "kb" -> 10;
            case "mb" -> 20;
            case "gb" -> 30;
            default -> 0;
        };
        if (amount > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("\"" + text + "\" is too large a size (" + EXPECTED + ")");
        }
        return amount << shift;
    }

    /** The way the config writes sizes: the largest unit that divides it, e.g. {@code 16mb}, {@code 1500b}. */
    public static String format(long bytes) {
        String[] units = {"gb", "mb", "kb"};
        int[] shifts = {30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes != 0 && bytes % unit == 0) {
                return (bytes >> shifts[i]) + units[i];
            }
        }
        return bytes + "b";
    }
}
