package dev.gatehouse.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How a pool spreads requests over its targets: {@code policy:} with its {@code hash:} and {@code sticky:} options.
 *
 * @param policy which target takes the next request (default {@link Policy#ROUND_ROBIN})
 * @param hash   what {@code policy: hash} hashes (default {@code on: client_ip})
 * @param sticky the cookie of {@code policy: sticky} (default {@code { cookie: gatehouse_target, ttl: 1h }})
 */
public record Balancing(Policy policy, HashOn hash, Sticky sticky) {
    public static final Balancing DEFAULT = new Balancing(Policy.ROUND_ROBIN, HashOn.CLIENT_IP, Sticky.DEFAULT);

    public Balancing {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(sticky, "sticky");
    }

    /** The balancing policies, as written in the config. */
    public enum Policy {
        /** Smooth weighted round robin (nginx's): spreads by weight, never two in a row when avoidable. */
        ROUND_ROBIN("round_robin"),
        /** The target with the fewest requests in flight, relative to its weight. */
        LEAST_REQUESTS("least_requests"),
        /** Two targets drawn at random (by weight); the one with fewer requests in flight. */
        P2C("p2c"),
        /** Consistent hashing of {@code hash: { on: ... }}: a key keeps its target while the pool stays the same. */
        HASH("hash"),
        /** The first usable target in the order written: ordered failover. */
        FIRST("first"),
        /** Round robin, then pinned to the target by a cookie for as long as that target is usable. */
        STICKY("sticky");

        private final String configName;

        Policy(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }
    }

    /**
     * The key of {@code policy: hash}, written {@code on: client_ip}, {@code on: header X-User} or
     * {@code on: cookie session}. Requests without the key are balanced round robin.
     *
     * @param source where the key comes from
     * @param name   header or cookie name ("" for the client address)
     */
    public record HashOn(Source source, String name) {
        public static final HashOn CLIENT_IP = new HashOn(Source.CLIENT_IP, "");

        public HashOn {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(name, "name");
        }

        public enum Source { CLIENT_IP, HEADER, COOKIE }
    }

    /**
     * {@code sticky: { cookie: gatehouse_target, ttl: 1h }}.
     *
     * @param cookie cookie name (default {@code gatehouse_target}); its value names the target opaquely
     * @param ttl    the cookie's Max-Age (default 1h); 0 makes it a session cookie
     */
    public record Sticky(String cookie, Duration ttl) {
        public static final Sticky DEFAULT = new Sticky("gatehouse_target", Duration.ofHours(1));

        public Sticky {
            Objects.requireNonNull(cookie, "cookie");
            Objects.requireNonNull(ttl, "ttl");
        }
    }
}
