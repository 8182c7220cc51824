package dev.gatehouse.upstream;

import dev.gatehouse.config.Balancing;

import java.util.Optional;

/** The hash policy: a ring per target list (rebuilt only when the list changes), keyed by {@code hash: { on }}. */
final class ConsistentHash implements LoadBalancer {
    private final Balancing.HashOn on;
    private final LoadBalancer fallback;
    private volatile HashRing ring;

    ConsistentHash(Balancing.HashOn on, LoadBalancer fallback) {
        this.on = on;
        this.fallback = fallback;
    }

    @Override
    public TargetState pick(Candidates c) {
        Optional<String> key = key(c);
        if (key.isEmpty()) {
            return fallback.pick(c);
        }
        return ring(c).lookup(key.get(), c);
    }

    private Optional<String> key(Candidates c) {
        return switch (on.source()) {
            case CLIENT_IP -> Optional.of(c.key.clientIp()).filter(s -> !s.isEmpty());
            case HEADER -> c.key.header(on.name());
            case COOKIE -> c.key.cookie(on.name());
        };
    }

    private HashRing ring(Candidates c) {
        HashRing r = ring;
        if (r == null || r.targets != c.targets) {
            r = new HashRing(c.targets); // a benign race: two threads may both build the same ring
            ring = r;
        }
        return r;
    }

    @Override
    public Optional<TargetState> foresee(Candidates c) {
        Optional<String> key = key(c);
        return key.isEmpty() ? fallback.foresee(c) : Optional.ofNullable(ring(c).lookup(key.get(), c));
    }

    @Override
    public String how() {
        String source = switch (on.source()) {
            case CLIENT_IP -> "the client address";
            case HEADER -> "the header " + on.name();
            case COOKIE -> "the cookie " + on.name();
        };
        return "consistent hashing of " + source + " (requests without it: " + fallback.how() + ")";
    }
}
