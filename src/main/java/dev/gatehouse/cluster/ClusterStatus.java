package dev.gatehouse.cluster;

import java.util.List;
import java.util.Optional;

/**
 * What {@code GET /cluster} shows: this node, the Redis state, and every node alive at the last heartbeat.
 *
 * @param self        this node
 * @param redis       Redis as configured, without passwords
 * @param state       {@code connecting}, {@code up} or {@code down}
 * @param lastError   why Redis was last unreachable, when it was
 * @param rateLimits  {@code shared} (counted in Redis) or {@code local} (1/N each, Redis away)
 * @param pendingRegistrations target registrations made here that Redis has not seen yet
 * @param nodes       the nodes alive at the last heartbeat that reached Redis
 */
public record ClusterStatus(NodeIdentity self, String redis, String state, Optional<String> lastError,
                            String rateLimits, int pendingRegistrations, List<NodeInfo> nodes) {
    public ClusterStatus {
        nodes = List.copyOf(nodes);
    }
}
