package dev.gatehouse.upstream;

import dev.gatehouse.config.PassiveCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * Passive health checks: consecutive failures on real traffic eject a target for a while, longer on each repeat
 * (eject × n, at most {@link PassiveCheck#MAX_EJECT_MULTIPLIER} × eject), never more than {@code max_eject} of the
 * pool at once. The count of ejections falls back to zero once a target has served for ten ejection periods.
 */
final class OutlierDetector {
    private static final Logger log = LoggerFactory.getLogger(OutlierDetector.class);

    private final String pool;
    private final PassiveCheck config;
    private final Supplier<TargetState[]> targets;

    OutlierDetector(String pool, PassiveCheck config, Supplier<TargetState[]> targets) {
        this.pool = pool;
        this.config = config;
        this.targets = targets;
    }

    /** A response arrived: its status may count as a failure. */
    void responded(TargetState t, int status, long nowNanos) {
        if (config.statuses().contains(status)) {
            failed(t, "status " + status, nowNanos);
        } else {
            t.consecutiveFailures.set(0);
        }
    }

    /** The target refused, reset, or timed out. */
    void failed(TargetState t, String why, long nowNanos) {
        int n = t.consecutiveFailures.incrementAndGet();
        if (n < config.failures() || t.ejected(nowNanos)) {
            return;
        }
        if (ejectedNow(nowNanos) >= maxEjected()) {
            return; // never eject more than max_eject of the pool: the rest would take all the load
        }
        long eject = config.eject().toNanos();
        // Ten quiet ejection periods since the last one: start over at one.
        int previous = nowNanos - t.ejectedUntilNanos() > eject * 10 ? 0 : t.ejections;
        int times = Math.min(previous + 1, PassiveCheck.MAX_EJECT_MULTIPLIER);
        t.ejections = times;
        t.consecutiveFailures.set(0);
        t.eject(nowNanos + eject * times);
        log.warn("upstream={} target={} ejected for {}s: {} consecutive failures (last: {})", pool, t.address(),
                eject * times / 1_000_000_000L, n, why);
    }

    /** Notes targets whose ejection ended (logs once each). Called from the pool's periodic tick. */
    void sweep(long nowNanos) {
        for (TargetState t : targets.get()) {
            if (t.ejectionEnded(nowNanos)) {
                log.info("upstream={} target={} back from ejection", pool, t.address());
            }
        }
    }

    private int ejectedNow(long nowNanos) {
        int n = 0;
        for (TargetState t : targets.get()) {
            if (t.ejected(nowNanos)) {
                n++;
            }
        }
        return n;
    }

    private int maxEjected() {
        return Math.max(1, targets.get().length * config.maxEjectPercent() / 100);
    }
}
