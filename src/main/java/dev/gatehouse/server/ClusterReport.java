package dev.gatehouse.server;

import dev.gatehouse.cluster.ClusterStatus;
import dev.gatehouse.cluster.NodeInfo;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /cluster} as JSON, from the cluster's status. */
final class ClusterReport {
    private ClusterReport() {
    }

    static Map<String, Object> of(ClusterStatus s, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> self = new LinkedHashMap<>();
        self.put("id", s.self().id());
        self.put("name", s.self().name());
        m.put("node", self);
        Map<String, Object> redis = new LinkedHashMap<>();
        redis.put("uri", s.redis());
        redis.put("state", s.state());
        redis.put("last_error", s.lastError().orElse(null));
        m.put("redis", redis);
        m.put("rate_limits", s.rateLimits());
        m.put("pending_registrations", s.pendingRegistrations());
        m.put("nodes", s.nodes().stream().map(n -> node(n, s.self().id(), now)).toList());
        return m;
    }

    private static Map<String, Object> node(NodeInfo n, String self, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", n.id());
        m.put("name", n.name());
        m.put("self", n.id().equals(self));
        m.put("version", n.version());
        m.put("started", n.started().toString());
        m.put("last_heartbeat", n.heartbeat().toString());
        m.put("heartbeat_age_seconds", Math.max(0, Duration.between(n.heartbeat(), now).toMillis()) / 1000.0);
        m.put("holds", new LinkedHashMap<>(n.details()));
        return m;
    }
}
