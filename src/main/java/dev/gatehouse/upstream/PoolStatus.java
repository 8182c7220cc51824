package dev.gatehouse.upstream;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of a pool, for the admin API ({@code GET /upstreams/{pool}}) and {@code gatehouse status}.
 *
 * @param name    pool name
 * @param policy  balancing policy as written in the config
 * @param targets the pool's targets, then those still draining
 * @param queued  requests waiting for a target below its {@code max_requests}
 */
public record PoolStatus(String name, String policy, List<TargetStatus> targets, int queued) {
    public PoolStatus {
        targets = List.copyOf(targets);
    }

    /**
     * One target.
     *
     * @param weight          configured (or re-weighted) weight
     * @param effectiveWeight weight after slow start
     * @param lastCheck       when the last active check finished
     * @param lastError       why the last failed check failed ("" when none failed)
     * @param passStreak      consecutive passed checks
     * @param failStreak      consecutive failed checks
     * @param requests        requests sent to it since the pool was built
     * @param failures        of those, refused, reset, timed out or answered with a passive-check status
     * @param ejected         ejected by passive checks right now
     */
    public record TargetStatus(String address, int weight, int effectiveWeight, String health,
                               Optional<Instant> lastCheck, String lastError, int passStreak, int failStreak,
                               int inFlight, long requests, long failures, boolean ejected, boolean draining) {
    }
}
