package dev.gatehouse.limits;

import java.time.Duration;

/**
 * The generic cell rate algorithm with nginx {@code limit_req} semantics. A bucket is one number, its theoretical
 * arrival time (TAT): when the bucket would be empty if requests kept coming at the rate. A request at {@code now}
 * sees a backlog {@code b = max(TAT, now) - now}; it is admitted when {@code b <= tolerance} (then
 * {@code TAT = max(TAT, now) + interval}) and refused otherwise. So {@code 1 + burst} requests pass at once, then one
 * per interval: exactly nginx's {@code excess <= burst} with the first request of a fresh bucket free.
 *
 * @param intervalNanos  one request's share of time: the period divided by the count ({@code 10/s}: 100 ms)
 * @param toleranceNanos {@code burst * interval}: how far ahead of the rate a client may run
 */
public record Gcra(long intervalNanos, long toleranceNanos) {
    public Gcra {
        if (intervalNanos <= 0 || toleranceNanos < 0) {
            throw new IllegalArgumentException("interval " + intervalNanos + " (expected: > 0), tolerance "
                    + toleranceNanos + " (expected: >= 0)");
        }
    }

    /** {@code count} requests per {@code period}, {@code burst} more at once. */
    public static Gcra of(long count, Duration period, long burst) {
        long interval = Math.max(1, period.toNanos() / count);
        return new Gcra(interval, Math.multiplyExact(interval, burst));
    }

    /** The bucket's state after one request: the new TAT when admitted, unchanged when refused. */
    public long next(long tat, long now) {
        long start = Math.max(tat, now);
        return start - now <= toleranceNanos ? start + intervalNanos : tat;
    }

    /** The backlog a request at {@code now} sees in a bucket at {@code tat} (0 for a fresh bucket). */
    public static long backlog(long tat, long now) {
        return Math.max(0, tat - now);
    }

    /** Whether a request that saw {@code backlog} was admitted. */
    public boolean admits(long backlog) {
        return backlog <= toleranceNanos;
    }

    /** How long a bucket stays meaningful after its last request: afterwards it is as good as fresh. */
    public long horizonNanos() {
        return toleranceNanos + intervalNanos;
    }
}
