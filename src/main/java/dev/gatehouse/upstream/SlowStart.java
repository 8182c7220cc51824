package dev.gatehouse.upstream;

/**
 * The weight ramp of a target that just became usable: its share grows linearly from a tenth to all of its weight
 * over the ramp time (Envoy starts at 10% too: a cold target still gets enough traffic to warm up).
 */
final class SlowStart {
    static final int MIN_PERCENT = 10;

    private SlowStart() {
    }

    /**
     * @param weight   configured weight (0..1000)
     * @param sinceNanos when the target became usable
     * @param rampNanos  slow start time; 0 = no ramp
     */
    static int weight(int weight, long sinceNanos, long nowNanos, long rampNanos) {
        long elapsed = nowNanos - sinceNanos;
        if (rampNanos <= 0 || weight == 0 || elapsed >= rampNanos) {
            return weight;
        }
        long percent = Math.max(MIN_PERCENT, elapsed * 100 / rampNanos);
        return (int) Math.max(1, weight * percent / 100);
    }
}
