package dev.gatehouse.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Passive health checks (outlier detection) on real traffic, written
 * {@code passive: { failures: 5, statuses: [502, 503, 504], eject: 30s, max_eject: 50% }}, or {@code passive: off}.
 * Consecutive failures (refused or reset connections, timeouts, or responses with one of {@code statuses}) eject a
 * target for {@code eject}, then twice, three times as long on repeats (at most 10 times) while it keeps failing.
 *
 * @param failures        consecutive failures that eject a target (default 5)
 * @param statuses        response statuses that count as failures (default 502, 503, 504)
 * @param eject           first ejection time (default 30s)
 * @param maxEjectPercent most targets of the pool ejected at once, in percent (default 50%; at least one target)
 */
public record PassiveCheck(int failures, Set<Integer> statuses, Duration eject, int maxEjectPercent) {
    public static final PassiveCheck DEFAULT = new PassiveCheck(5, Set.of(502, 503, 504), Duration.ofSeconds(30), 50);
    /** Repeated ejections last at most this many times {@code eject}. */
    public static final int MAX_EJECT_MULTIPLIER = 10;

    public PassiveCheck {
        statuses = Set.copyOf(statuses);
        Objects.requireNonNull(eject, "eject");
    }
}
