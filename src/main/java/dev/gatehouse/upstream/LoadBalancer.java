package dev.gatehouse.upstream;

import dev.gatehouse.config.Balancing;

import java.util.Optional;

/**
 * Chooses a target for a request. Implementations are lock-free: they read the pool's snapshot and atomics only,
 * and keep any state of their own per thread (each event loop its own rotation).
 */
public interface LoadBalancer {

    /** A usable target of {@code candidates}, or null when none is usable. */
    TargetState pick(Candidates candidates);

    /**
     * The target {@link #pick} would choose, found without changing anything, when that is known in advance; empty
     * when a rotation or a random draw decides ({@code gatehouse explain}).
     */
    default Optional<TargetState> foresee(Candidates candidates) {
        return Optional.empty();
    }

    /** How this policy chooses, in words, for {@code gatehouse explain}. */
    default String how() {
        return "";
    }

    /** Smooth weighted round robin (nginx's): spreads by weight, interleaved rather than in runs. */
    static LoadBalancer roundRobin() {
        return new RoundRobin();
    }

    /** The target with the fewest requests in flight for its weight; ties broken at random. */
    static LoadBalancer leastRequests() {
        return new LeastRequests();
    }

    /** Power of two random choices (by weight), the one with fewer requests in flight for its weight. */
    static LoadBalancer powerOfTwo() {
        return new PowerOfTwo();
    }

    /** Consistent hashing of a request key; requests without the key go round robin. */
    static LoadBalancer hash(Balancing.HashOn on) {
        return new ConsistentHash(on, roundRobin());
    }

    /** The first usable target in pool order: ordered failover. */
    static LoadBalancer first() {
        return new LoadBalancer() {
            @Override
            public TargetState pick(Candidates c) {
                for (TargetState t : c.targets) {
                    if (c.usable(t)) {
                        return t;
                    }
                }
                return null;
            }

            @Override
            public Optional<TargetState> foresee(Candidates c) {
                return Optional.ofNullable(pick(c));
            }

            @Override
            public String how() {
                return "the first usable target in pool order";
            }
        };
    }

    /** The target named by the sticky cookie while it is usable, else round robin. */
    static LoadBalancer sticky(String cookie) {
        LoadBalancer fallback = roundRobin();
        return new LoadBalancer() {
            @Override
            public TargetState pick(Candidates c) {
                TargetState named = named(c);
                return named != null ? named : fallback.pick(c);
            }

            private TargetState named(Candidates c) {
                String id = c.key.cookie(cookie).orElse(null);
                if (id != null) {
                    for (TargetState t : c.targets) {
                        if (t.stickyId().equals(id) && c.usable(t)) {
                            return t;
                        }
                    }
                }
                return null;
            }

            @Override
            public Optional<TargetState> foresee(Candidates c) {
                return Optional.ofNullable(named(c));
            }

            @Override
            public String how() {
                return "the target named by the cookie " + cookie + " while it is usable, else " + fallback.how()
                        + " (and the answer sets the cookie)";
            }
        };
    }

    /** The balancer a pool's config asks for. */
    static LoadBalancer of(Balancing balancing) {
        return switch (balancing.policy()) {
            case ROUND_ROBIN -> roundRobin();
            case LEAST_REQUESTS -> leastRequests();
            case P2C -> powerOfTwo();
            case HASH -> hash(balancing.hash());
            case FIRST -> first();
            case STICKY -> sticky(balancing.sticky().cookie());
        };
    }
}
