package dev.gatehouse.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in the config: a whole number and a unit, no space: {@code 500ms}, {@code 10s},
 * {@code 5m}, {@code 1h}, {@code 365d}. Units are lower case only, so {@code 5M} cannot be mistaken for months.
 */
public final class Durations {
    static final String EXPECTED = "expected: like 500ms, 10s, 5m, 1h, 365d";
    private static final Pattern DURATION = Pattern.compile("(\\d{1,15})(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * Parses a duration such as {@code 10s}.
     *
     * @throws IllegalArgumentException saying what was expected, e.g.
     *         {@code "5 s" is not a duration (expected: like 500ms, 10s, 5m, 1h, 365d)}
     */
    public static Duration parse(String text) {
        Objects.requireNonNull(text, "text");
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration (" + EXPECTED + ")");
        }
        long amount = Long.parseLong(m.group(1));
        try {
            return Duration.of(amount, unit(m.group(2)));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("\"" + text + "\" is too long a duration (" + EXPECTED + ")");
        }
    }

    /** The way the config writes durations: the largest unit that divides it, e.g. {@code 365d}, {@code 500ms}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms % sizes[i] == 0) {
                return ms / sizes[i] + units[i];
            }
        }
        return ms + "ms";
    }

    private static ChronoUnit unit(String unit) {
        return switch (unit) {
            case "ms" -> ChronoUnit.MILLIS;
            case "s" -> ChronoUnit.SECONDS;
            case "m" -> ChronoUnit.MINUTES;
            case "h" -> ChronoUnit.HOURS;
            default -> ChronoUnit.DAYS;
        };
    }
}
