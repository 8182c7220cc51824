package dev.gatehouse.upstream;

import java.util.Collection;

/**
 * The targets one pick may choose from: a snapshot of the pool's targets with the rules of this pick (targets
 * already tried, health, capacity). Built per pick on the calling thread; policies only read it.
 */
public final class Candidates {
    final TargetState[] targets;
    final long nowNanos;
    final RequestKey key;
    private final long slowStartNanos;
    private final Collection<TargetState> exclude;
    private final boolean unknownIsHealthy;
    private final boolean ignoreHealth;

    Candidates(TargetState[] targets, long nowNanos, long slowStartNanos, Collection<TargetState> exclude,
               boolean unknownIsHealthy, boolean ignoreHealth, RequestKey key) {
        this.targets = targets;
        this.nowNanos = nowNanos;
        this.slowStartNanos = slowStartNanos;
        this.exclude = exclude;
        this.unknownIsHealthy = unknownIsHealthy;
        this.ignoreHealth = ignoreHealth;
        this.key = key;
    }

    /** Takes traffic: weight above 0, not draining, not tried yet, below its limit, healthy and not ejected. */
    boolean usable(TargetState t) {
        return t.weight() > 0 && !t.draining() && !exclude.contains(t) && t.hasCapacity()
                && (ignoreHealth || t.healthy(unknownIsHealthy) && !t.ejected(nowNanos));
    }

    /** Weight after slow start. */
    int weight(TargetState t) {
        return t.effectiveWeight(nowNanos, slowStartNanos);
    }
}
