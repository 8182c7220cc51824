package dev.gatehouse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code upstreams:} pools: balancing, health, passive checks, retries, queue, slow start. */
class UpstreamConfigTest {
    private static final Path SOURCE = Path.of("/etc/gatehouse/gatehouse.yaml");

    private static Upstream api(String poolYaml) throws ConfigException {
        return ConfigLoader.parse("""
                sites: { example.com: { upstream: api } }
                upstreams:
                  api:
                """ + poolYaml.indent(4), SOURCE).upstreams().get("api");
    }

    private static List<ConfigError> errors(String poolYaml) {
        return catchThrowableOfType(ConfigException.class, () -> api(poolYaml)).errors();
    }

    private static ConfigError single(String poolYaml) {
        List<ConfigError> errors = errors(poolYaml);
        assertThat(errors).hasSize(1);
        return errors.get(0);
    }

    @Test
    void everyKeyIsRead() throws Exception {
        Upstream u = api("""
                targets:
                  - { address: 127.0.0.1:8080, weight: 100, max_requests: 50 }
                  - 127.0.0.1:8081
                policy: hash
                hash: { on: header X-User }
                health: { path: /health?full=1, host: api.internal, method: HEAD, interval: 5s, timeout: 1s,
                          healthy: 3, unhealthy: 2, status: [200, 301-308], body: ok, port: 9000 }
                start: unhealthy-until-checked
                passive: { failures: 3, statuses: [500, 503], eject: 10s, max_eject: 30% }
                when_unhealthy: 503
                retries: { attempts: 1, budget: 10% }
                queue: { size: 20, timeout: 2s }
                slow_start: 30s
                deregistration_delay: 5s
                """);

        assertThat(u.targets()).containsExactly(new Target("127.0.0.1", 8080, 100, 50),
                new Target("127.0.0.1", 8081, 100, 0));
        assertThat(u.balancing()).isEqualTo(new Balancing(Balancing.Policy.HASH,
                new Balancing.HashOn(Balancing.HashOn.Source.HEADER, "X-User"), Balancing.Sticky.DEFAULT));
        assertThat(u.health()).contains(new HealthCheck("/health?full=1", Optional.of("api.internal"), "HEAD",
                Duration.ofSeconds(5), Duration.ofSeconds(1), 3, 2,
                List.of(new HealthCheck.StatusRange(200, 200), new HealthCheck.StatusRange(301, 308)),
                Optional.of("ok"), OptionalInt.of(9000)));
        assertThat(u.start()).isEqualTo(Upstream.Start.UNHEALTHY_UNTIL_CHECKED);
        assertThat(u.passive()).contains(new PassiveCheck(3, Set.of(500, 503), Duration.ofSeconds(10), 30));
        assertThat(u.whenUnhealthy()).isEqualTo(Upstream.WhenUnhealthy.REJECT);
        assertThat(u.retries()).isEqualTo(new Retries(1, 10));
        assertThat(u.queue()).isEqualTo(new UpstreamQueue(20, Duration.ofSeconds(2)));
        assertThat(u.slowStart()).isEqualTo(Duration.ofSeconds(30));
        assertThat(u.deregistrationDelay()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void absentKeysTakeTheirDefaults() throws Exception {
        Upstream u = api("targets: [127.0.0.1:8080]");

        assertThat(u).isEqualTo(new Upstream("api", List.of(new Target("127.0.0.1", 8080, 100))));
        assertThat(u.balancing().policy()).isEqualTo(Balancing.Policy.ROUND_ROBIN);
        assertThat(u.health()).isEmpty();
        assertThat(u.passive()).contains(PassiveCheck.DEFAULT);
        assertThat(u.passive().orElseThrow().statuses()).containsExactlyInAnyOrder(502, 503, 504);
        assertThat(u.retries()).isEqualTo(new Retries(2, 20));
        assertThat(u.queue()).isEqualTo(new UpstreamQueue(100, Duration.ofSeconds(5)));
        assertThat(u.start()).isEqualTo(Upstream.Start.UNKNOWN_IS_HEALTHY);
        assertThat(u.whenUnhealthy()).isEqualTo(Upstream.WhenUnhealthy.FAIL_OPEN);
        assertThat(u.slowStart()).isZero();
        assertThat(u.deregistrationDelay()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void healthFromTheDesignSketchAndFieldDefaults() throws Exception {
        assertThat(api("""
                targets: [127.0.0.1:8080]
                health: { path: /health, interval: 10s, timeout: 3s, healthy: 2, unhealthy: 3, status: 200-399 }
                """).health()).contains(HealthCheck.of("/health"));
        assertThat(api("targets: [127.0.0.1:8080]\nhealth: {}").health()).contains(HealthCheck.of("/"));
    }

    @Test
    void stickyAndOtherHashKeys() throws Exception {
        Upstream sticky = api("targets: [127.0.0.1:8080]\npolicy: sticky\nsticky: { cookie: srv, ttl: 2h }");
        assertThat(sticky.balancing().sticky()).isEqualTo(new Balancing.Sticky("srv", Duration.ofHours(2)));
        assertThat(api("targets: [127.0.0.1:8080]\npolicy: hash\nhash: { on: cookie sid }").balancing().hash())
                .isEqualTo(new Balancing.HashOn(Balancing.HashOn.Source.COOKIE, "sid"));
        assertThat(api("targets: [127.0.0.1:8080]\npolicy: hash").balancing().hash())
                .isEqualTo(Balancing.HashOn.CLIENT_IP);
        assertThat(api("targets: [127.0.0.1:8080]\npassive: off").passive()).isEmpty();
    }

    @Test
    void unknownPolicySuggestsTheClosest() {
        ConfigError e = single("targets: [127.0.0.1:8080]\npolicy: least_request");
        assertThat(e).extracting(ConfigError::line, ConfigError::column).containsExactly(5, 13);
        assertThat(e.message()).isEqualTo("upstreams.api.policy: unknown policy \"least_request\" (expected: one of "
                + "round_robin, least_requests, p2c, hash, first, sticky)");
        assertThat(e.hint()).contains("did you mean \"least_requests\"?");
    }

    @Test
    void hashOptionsWithoutTheHashPolicy() {
        ConfigError e = single("targets: [127.0.0.1:8080]\nhash: { on: client_ip }");
        assertThat(e).extracting(ConfigError::line, ConfigError::column).containsExactly(5, 5);
        assertThat(e.message()).isEqualTo("upstreams.api.hash: only used with policy: hash "
                + "(expected: policy: hash, or remove hash:)");
    }

    @Test
    void badHashKey() {
        assertThat(single("targets: [127.0.0.1:8080]\npolicy: hash\nhash: { on: header }").message())
                .isEqualTo("upstreams.api.hash.on: \"header\" is not a hash key "
                        + "(expected: client_ip, header NAME or cookie NAME)");
    }

    @Test
    void badHealthValuesAreEachReportedWithTheirPosition() {
        List<ConfigError> errors = errors("""
                targets: [127.0.0.1:8080]
                health:
                  path: health
                  interval: 2s
                  timeout: 5s
                  status: [200, 399-200, abc]
                  unhealthy: 0
                  metod: GET
                """);
        assertThat(errors).extracting(ConfigError::line, ConfigError::column, ConfigError::message).containsExactly(
                tuple(6, 13, "upstreams.api.health.path: \"health\" is not a path (expected: starting with /, like /health)"),
                tuple(8, 16, "upstreams.api.health.timeout: timeout 5s is longer than the interval 2s (expected: at most the interval)"),
                tuple(9, 21, "upstreams.api.health.status[1]: \"399-200\" is not a status or range (expected: like 200 or 200-399)"),
                tuple(9, 30, "upstreams.api.health.status[2]: \"abc\" is not a status or range (expected: like 200 or 200-399)"),
                tuple(10, 18, "upstreams.api.health.unhealthy: 0 is out of range (expected: 1..100)"),
                tuple(11, 7, "upstreams.api.health: unknown key \"metod\""));
        assertThat(errors.get(5).hint()).contains("did you mean \"method\"?");
    }

    @Test
    void badPassiveRetriesQueueAndModes() {
        List<ConfigError> errors = errors("""
                targets: [{ address: 127.0.0.1:8080, max_requests: 0 }]
                passive: { max_eject: 150%, statuses: [502, 99] }
                retries: { budget: lots, attempts: 11 }
                queue: { timeout: 0s }
                start: unhealthy
                when_unhealthy: fail
                """);
        assertThat(errors).extracting(ConfigError::message).containsExactly(
                "upstreams.api.targets[0].max_requests: 0 is out of range (expected: 1..100000)",
                "upstreams.api.passive.max_eject: \"150%\" is not a percentage (expected: 0% to 100%, like 20%)",
                "upstreams.api.passive.statuses[1]: 99 is out of range (expected: 100..599)",
                "upstreams.api.retries.budget: \"lots\" is not a percentage (expected: 0% to 100%, like 20%)",
                "upstreams.api.retries.attempts: 11 is out of range (expected: 0..10)",
                "upstreams.api.queue.timeout: 0 is too short (expected: more than 0, like 10s)",
                "upstreams.api.start: unknown start \"unhealthy\" (expected: one of unknown-is-healthy, "
                        + "unhealthy-until-checked)",
                "upstreams.api.when_unhealthy: unknown when unhealthy \"fail\" (expected: one of fail-open, 503)");
        assertThat(errors.get(0).hint()).contains("leave it out for no limit");
    }

    @Test
    void duplicateTarget() {
        ConfigError e = single("targets: [127.0.0.1:8080, \"127.0.0.1:8080\"]");
        assertThat(e).extracting(ConfigError::line, ConfigError::column).containsExactly(4, 31);
        assertThat(e.message()).startsWith("upstreams.api.targets[1]: duplicate target 127.0.0.1:8080");
    }
}
