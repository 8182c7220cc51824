package dev.gatehouse.upstream;

import java.util.List;
import java.util.Optional;

/**
 * What a pool would do with one request now, found without picking (no rotation advanced, no slot taken): for
 * {@code gatehouse explain}.
 *
 * @param pool    the pool's name
 * @param policy  its balancing policy as the config writes it
 * @param targets every target with whether this request could go to it
 * @param pick    the target the policy would choose, when that is known in advance (ordered failover, a hash or
 *                sticky key, the one least loaded); empty when a rotation or a random draw decides
 * @param how     how the policy chooses, in words, or why no target would take the request
 * @param status  the status the proxy would answer itself when no target takes the request (503), else 0
 */
public record PoolPreview(String pool, String policy, List<Candidate> targets, Optional<String> pick, String how,
                          int status) {
    public PoolPreview {
        targets = List.copyOf(targets);
    }

    /**
     * One target as this request sees it.
     *
     * @param weight    configured (or re-weighted) weight
     * @param effective weight after slow start
     * @param health    {@code unknown}, {@code healthy} or {@code unhealthy}
     * @param usable    whether the request could go to it now
     * @param why       why it could not (parked, draining, unhealthy, ejected, at max_requests); empty when usable
     * @param share     its share of requests among the usable targets, in percent (weights; 0 when not usable)
     */
    public record Candidate(String address, int weight, int effective, String health, int inFlight, boolean usable,
                            String why, int share) {
    }
}
