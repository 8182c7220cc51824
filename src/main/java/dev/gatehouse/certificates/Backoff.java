package dev.gatehouse.certificates;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to try again after failed orders: exponential from {@code initial}, doubled per consecutive failure up to
 * {@code max}, spread by ±{@value #JITTER_PERCENT}% so that many names failing together (a CA outage) do not
 * retry together, and never before the CA's Retry-After (RFC 8555 §6.6) when it gave one.
 * Pure: the caller passes the clock reading and the randomness.
 */
public final class Backoff {
    /** First delay: long enough for a fixed DNS record or firewall rule, short enough for a typo fixed at once. */
    public static final Duration DEFAULT_INITIAL = Duration.ofMinutes(1);
    /** Longest delay: Let's Encrypt's failed-validation limit resets within hours; a day keeps trying daily. */
    public static final Duration DEFAULT_MAX = Duration.ofHours(24);
    static final int JITTER_PERCENT = 10;

    private final Duration initial;
    private final Duration max;

    /** With {@link #DEFAULT_INITIAL} and {@link #DEFAULT_MAX}. */
    public Backoff() {
        this(DEFAULT_INITIAL, DEFAULT_MAX);
    }

    public Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial: " + initial + " (expected: > 0)");
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max: " + max + " (expected: >= initial " + initial + ")");
        }
        this.initial = initial;
        this.max = max;
    }

    /**
     * @param failures   consecutive failed attempts so far, including the one just now (>= 1)
     * @param now        when the last attempt failed
     * @param retryAfter the CA's earliest time for another attempt, if it said one
     */
    public Instant nextAttempt(int failures, Instant now, Optional<Instant> retryAfter, RandomGenerator random) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures: " + failures + " (expected: >= 1)");
        }
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(random, "random");
        Instant next = now.plus(delay(failures, random));
        return retryAfter.filter(next::isBefore).orElse(next);
    }

    /** The jittered delay after {@code failures} consecutive failures, within [initial·0.9, max]. */
    Duration delay(int failures, RandomGenerator random) {
        // 2^(failures-1) overflows past 62 doublings; by then max has long been reached.
        int doublings = Math.min(failures - 1, 62);
        double base = Math.min((double) max.toMillis(), initial.toMillis() * Math.pow(2, doublings));
        double factor = 1 + (random.nextDouble() * 2 - 1) * JITTER_PERCENT / 100.0;
        return Duration.ofMillis((long) Math.min(max.toMillis(), base * factor));
    }
}
