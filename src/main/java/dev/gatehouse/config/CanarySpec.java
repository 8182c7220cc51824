package dev.gatehouse.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A canary deploy: a new target takes a growing share of a pool's requests, step by step, and is rolled back at once
 * when it fails. The same fields in the admin API ({@code POST /upstreams/{pool}/canary}) and in a pool's
 * {@code canary:} section.
 *
 * @param target       the new target ({@code address}, required)
 * @param steps        shares of the pool's requests in percent, rising, the last one 100 or below; default
 *                     {@code [10, 50, 100]}
 * @param interval     the shortest time a step lasts; default 1m
 * @param maxErrorRate the highest share of 5xx answers and failures, 0..1; default 0.01 ({@code "1%"})
 * @param maxP99       the highest 99th percentile of the time to the response head; none by default
 * @param minRequests  requests the canary must answer in a step before it is judged; default 100
 */
public record CanarySpec(Target target, List<Integer> steps, Duration interval, double maxErrorRate,
                         Optional<Duration> maxP99, int minRequests) {
    public static final List<Integer> DEFAULT_STEPS = List.of(10, 50, 100);
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
    public static final double DEFAULT_MAX_ERROR_RATE = 0.01;
    public static final int DEFAULT_MIN_REQUESTS = 100;

    public CanarySpec {
        Objects.requireNonNull(target, "target");
        steps = List.copyOf(steps);
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(maxP99, "maxP99");
        String bad = problem(steps, interval, maxErrorRate, minRequests);
        if (bad != null) {
            throw new IllegalArgumentException(bad);
        }
    }

    /** What is wrong with these values, saying what was expected; null when nothing is. */
    static String problem(List<Integer> steps, Duration interval, double maxErrorRate, int minRequests) {
        if (steps.isEmpty()) {
            return "steps: none given (expected: rising percentages like [10, 50, 100])";
        }
        int previous = 0;
        for (int s : steps) {
            if (s < 1 || s > 100 || s <= previous) {
                return "steps: " + steps + " (expected: rising percentages in 1..100, like [10, 50, 100])";
            }
            previous = s;
        }
        if (interval.isNegative() || interval.isZero()) {
            return "interval: " + interval.toMillis() + "ms (expected: more than 0, like 1m)";
        }
        if (maxErrorRate < 0 || maxErrorRate > 1) {
            return "max_error_rate: " + maxErrorRate * 100 + "% (expected: 0%..100%)";
        }
        if (minRequests < 1) {
            return "min_requests: " + minRequests + " (expected: at least 1)";
        }
        return null;
    }

    /**
     * Reads {@code "1%"}, {@code "0.5%"} or a plain fraction like {@code 0.01}.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public static double parseRate(String text) {
        String t = text.strip();
        try {
            double v = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).strip()) / 100
                    : Double.parseDouble(t);
            if (v >= 0 && v <= 1 && !Double.isNaN(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("max_error_rate: \"" + text + "\" (expected: a percentage like \"1%\")");
    }
}
