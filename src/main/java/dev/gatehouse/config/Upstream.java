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
 */
public record Upstream(String name, List<Target> targets, Balancing balancing, Optional<HealthCheck> health,
                       Optional<PassiveCheck> passive, Retries retries, UpstreamQueue queue, Duration slowStart,
                       Start start, WhenUnhealthy whenUnhealthy, Duration deregistrationDelay) {
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
    }

    /** A pool with every setting at its default. */
    public Upstream(String name, List<Target> targets) {
        this(name, targets, Balancing.DEFAULT, Optional.empty(), Optional.of(PassiveCheck.DEFAULT), Retries.DEFAULT,
                UpstreamQueue.DEFAULT, Duration.ZERO, Start.UNKNOWN_IS_HEALTHY, WhenUnhealthy.FAIL_OPEN,
                DEFAULT_DEREGISTRATION_DELAY);
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
