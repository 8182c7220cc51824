package dev.gatehouse.limits;

import java.util.List;

/**
 * Several rate limits on one request (per client and per site, say): it passes only when every one admits it, and a
 * limit that admitted it gives back its share when a later one refuses (as nginx accounts stacked {@code limit_req}s
 * only once all passed). The longest delay of those that admitted it applies.
 */
public final class StackedLimits {

    /** What became of a request. */
    public sealed interface Verdict permits Admitted, Refused {
    }

    /** Admitted, to go on after {@code delayNanos} (0: at once). */
    public record Admitted(long delayNanos) implements Verdict {
    }

    /** Refused by {@code limit}, whose bucket showed {@code backlog}. */
    public record Refused(RateLimit limit, long backlog) implements Verdict {
        public long retryAfterSeconds() {
            return RateLimit.ceilSeconds(limit.retryAfterNanos(backlog));
        }
    }

    /** Where the verdict goes: called once, on the caller's thread for memory buckets. */
    public interface Callback {
        void verdict(Verdict verdict);
    }

    private static final Admitted AT_ONCE = new Admitted(0);

    private StackedLimits() {
    }

    /**
     * Runs {@code limits[i]} on {@code keys[i]} in order; a null key skips its limit (a header the request does not
     * carry: nginx does not account an empty key either).
     */
    public static void check(List<RateLimit> limits, BucketKey[] keys, Callback callback) {
        step(limits, keys, 0, 0, callback);
    }

    private static void step(List<RateLimit> limits, BucketKey[] keys, int i, long delay, Callback callback) {
        if (i == limits.size()) {
            callback.verdict(delay == 0 ? AT_ONCE : new Admitted(delay));
            return;
        }
        if (keys[i] == null) {
            step(limits, keys, i + 1, delay, callback);
            return;
        }
        RateLimit limit = limits.get(i);
        limit.buckets().take(keys[i], backlog -> {
            if (limit.buckets().gcra().admits(backlog)) {
                step(limits, keys, i + 1, Math.max(delay, limit.delayNanos(backlog)), callback);
            } else {
                for (int j = 0; j < i; j++) {
                    if (keys[j] != null) {
                        limits.get(j).buckets().refund(keys[j]);
                    }
                }
                callback.verdict(new Refused(limit, backlog));
            }
        });
    }
}
