package dev.gatehouse.limits;

import java.time.Duration;

/**
 * One configured rate limit at run time: its buckets, how many of its burst wait their turn ({@code delay}), and what
 * the RateLimit header fields (draft-ietf-httpapi-ratelimit-headers) say about it.
 */
public final class RateLimit {
    private final String name;
    private final long quota;
    private final long windowSeconds;
    private final CounterStore.Buckets buckets;
    private final long freeBacklogNanos;

    /**
     * @param name    the policy's name in the RateLimit header fields
     * @param quota   requests per {@code window} (the rate's count)
     * @param window  the rate's period
     * @param burst   requests beyond the rate admitted at once
     * @param delay   how many of the {@code burst} are not answered at once but served at the rate (0: none, like
     *                nginx's {@code nodelay}; {@code burst}: all, like nginx without it)
     */
    public RateLimit(String name, long quota, Duration window, long burst, long delay, CounterStore.Buckets buckets) {
        this.name = name;
        this.quota = quota;
        this.windowSeconds = Math.max(1, window.toSeconds());
        this.buckets = buckets;
        this.freeBacklogNanos = Math.multiplyExact(burst - delay, buckets.gcra().intervalNanos());
    }

    public CounterStore.Buckets buckets() {
        return buckets;
    }

    public String name() {
        return name;
    }

    /** How long an admitted request that saw {@code backlog} waits before it goes on (nginx's {@code delay=}). */
    public long delayNanos(long backlog) {
        return Math.max(0, backlog - freeBacklogNanos);
    }

    /** How long a refused request that saw {@code backlog} should wait before the next try would pass. */
    public long retryAfterNanos(long backlog) {
        return Math.max(0, backlog - buckets.gcra().toleranceNanos());
    }

    /** Whole seconds, rounded up, at least 1: for {@code Retry-After} and the {@code t} parameter. */
    public static long ceilSeconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    /** {@code RateLimit-Policy} member: {@code "name";q=10;w=1}. */
    public String policyField() {
        return '"' + name + "\";q=" + quota + ";w=" + windowSeconds;
    }

    /** {@code RateLimit} member for a refused request: nothing left, back after {@code Retry-After}. */
    public String refusedField(long backlog) {
        return '"' + name + "\";r=0;t=" + ceilSeconds(retryAfterNanos(backlog));
    }
}
