package dev.gatehouse.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An upstream pool.
 *
 * @param name          pool name, as referenced by {@code upstream:} in sites and routes
 * @param targets       the pool's targets (at least one)
 * @param balancing     {@code policy:}, {@code hash:}, {@code sticky:} (default smooth weighted round robin)
 * @param health        active checks, when {@code health:} is given (default: none)
 * @param passive       passive checks on real traffic (default on, see {@link PassiveCheck#DEFAULT}); empty for
 *                      {@code passive: off}
 * @param retries       {@code retries:} (default {@code { attempts: 2, budget: 20% }})
 * @param queue         {@code queue:} for targets at their {@code max_requests} (default {@code { size: 100, timeout: 5s }})
 * @param slowStart     {@code slow_start:} a target that becomes healthy ramps its share up over this time
 *                      (default 0: full share at once)
 * @param start         {@code start:} the state of a target before its first check (default
 *                      {@code unknown-is-healthy})
 * @param whenUnhealthy {@code when_unhealthy:} what happens when no target is usable (default {@code fail-open})
 * @param deregistrationDelay {@code deregistration_delay:} how long a removed target's requests in flight and open
 *                      WebSockets may go on before their connections are closed (default 30s, as cloud load balancers)
 * @param protocol      {@code protocol:} how Gatehouse talks to the targets (default {@code http1})
 * @param tls           {@code tls:} certificate verification for {@code protocol: h2} (default: system trust store)
 * @param canary        {@code canary:} a canary deploy the file asks for (default: none); started when the pool
 *                      starts and when a reload adds or changes it, stopped when a reload removes it
 */
public record Upstream(String name, List<Target> targets, Balancing balancing, Optional<HealthCheck> health,
                       Optional<PassiveCheck> passive, Retries retries, UpstreamQueue queue, Duration slowStart,
                       Start start, WhenUnhealthy whenUnhealthy, Duration deregistrationDelay, Protocol protocol,
                       UpstreamTls tls, Optional<CanarySpec> canary) {
    public static final Duration DEFAULT_DEREGISTRATION_DELAY = Duration.ofSeconds(30);

    public Upstream {
        Objects.requireNonNull(name, "name");
        targets = List.copyOf(targets);
        Objects.requireNonNull(balancing, "balancing");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(passive, "passive");
        Objects.requireNonNull(retries, "retries");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(slowStart, "slowStart");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(whenUnhealthy, "whenUnhealthy");
        Objects.requireNonNull(deregistrationDelay, "deregistrationDelay");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(canary, "canary");
    }

    /** A pool without a canary in the file. */
    public Upstream(String name, List<Target> targets, Balancing balancing, Optional<HealthCheck> health,
                    Optional<PassiveCheck> passive, Retries retries, UpstreamQueue queue, Duration slowStart,
                    Start start, WhenUnhealthy whenUnhealthy, Duration deregistrationDelay, Protocol protocol,
                    UpstreamTls tls) {
        this(name, targets, balancing, health, passive, retries, queue, slowStart, start, whenUnhealthy,
                deregistrationDelay, protocol, tls, Optional.empty());
    }

    /** A pool speaking HTTP/1.1 to its targets. */
    public Upstream(String name, List<Target> targets, Balancing balancing, Optional<HealthCheck> health,
                    Optional<PassiveCheck> passive, Retries retries, UpstreamQueue queue, Duration slowStart,
                    Start start, WhenUnhealthy whenUnhealthy, Duration deregistrationDelay) {
        this(name, targets, balancing, health, passive, retries, queue, slowStart, start, whenUnhealthy,
                deregistrationDelay, Protocol.HTTP1, UpstreamTls.DEFAULT);
    }

    /** A pool with every setting at its default. */
    public Upstream(String name, List<Target> targets) {
        this(name, targets, Balancing.DEFAULT, Optional.empty(), Optional.of(PassiveCheck.DEFAULT), Retries.DEFAULT,
                UpstreamQueue.DEFAULT, Duration.ZERO, Start.UNKNOWN_IS_HEALTHY, WhenUnhealthy.FAIL_OPEN,
                DEFAULT_DEREGISTRATION_DELAY);
    }

    /** {@code protocol:} the protocol spoken to the targets. */
    public enum Protocol {
        /** HTTP/1.1 over plain TCP, pooled keep-alive connections (default). */
        HTTP1("http1"),
        /** HTTP/2 over plain TCP with prior knowledge (no upgrade dance): multiplexed connections. */
        H2C("h2c"),
        /** HTTP/2 over TLS (ALPN h2), the upstream's certificate verified: multiplexed connections. */
        H2("h2");

        private final String configName;

        Protocol(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        /** Whether requests travel as streams of a shared HTTP/2 connection. */
        public boolean http2() {
            return this != HTTP1;
        }
    }

    /** {@code start:} how a target that was never checked counts. */
    public enum Start {
        /** Used until checks prove it unhealthy (default). */
        UNKNOWN_IS_HEALTHY("unknown-is-healthy"),
        /** Used only once a check has passed ({@code healthy} in a row). */
        UNHEALTHY_UNTIL_CHECKED("unhealthy-until-checked");

        private final String configName;

        Start(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }
    }

    /** {@code when_unhealthy:} what to do when no target is healthy. */
    public enum WhenUnhealthy {
        /** Try the targets anyway, as cloud load balancers do (default): a broken check must not take a site down. */
        FAIL_OPEN("fail-open"),
        /** Answer 503 at once. */
        REJECT("503");

        private final String configName;

        WhenUnhealthy(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }
    }
}
