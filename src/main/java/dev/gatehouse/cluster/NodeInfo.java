package dev.gatehouse.cluster;

import java.time.Instant;
import java.util.Map;

/**
 * One node as its last heartbeat described it.
 *
 * @param details what it holds and serves ({@code certificates}, {@code registered_targets}, ...), as it reported
 */
public record NodeInfo(String id, String name, String version, Instant started, Instant heartbeat,
                       Map<String, String> details) {
    public NodeInfo {
        details = Map.copyOf(details);
    }
}
