package dev.gatehouse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A pool's {@code canary:}: the admin API's fields and defaults, and every bad value with its position. */
class CanaryConfigTest {
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

    @Test
    void everyFieldIsRead() throws Exception {
        Upstream u = api("""
                targets: [127.0.0.1:8080]
                canary:
                  address: 127.0.0.1:8081
                  steps: [5, 25%, 100]
                  interval: 30s
                  max_error_rate: 0.5%
                  max_p99: 500ms
                  min_requests: 50
                """);

        assertThat(u.canary()).contains(new CanarySpec(new Target("127.0.0.1", 8081, Target.DEFAULT_WEIGHT),
                List.of(5, 25, 100), Duration.ofSeconds(30), 0.005, Optional.of(Duration.ofMillis(500)), 50));
    }

    @Test
    void onlyTheAddressIsRequiredAndAnAddressAloneWillDo() throws Exception {
        CanarySpec defaults = new CanarySpec(new Target("127.0.0.1", 8081, 100), List.of(10, 50, 100),
                Duration.ofMinutes(1), 0.01, Optional.empty(), 100);

        assertThat(api("{ targets: [127.0.0.1:8080], canary: { address: 127.0.0.1:8081 } }").canary())
                .contains(defaults);
        assertThat(api("{ targets: [127.0.0.1:8080], canary: 127.0.0.1:8081 }").canary()).contains(defaults);
        assertThat(api("{ targets: [127.0.0.1:8080] }").canary()).isEmpty();
    }

    @Test
    void aFractionIsAnErrorRateToo() throws Exception {
        assertThat(api("{ targets: [127.0.0.1:8080], canary: { address: 127.0.0.1:8081, max_error_rate: 0.02 } }")
                .canary().orElseThrow().maxErrorRate()).isEqualTo(0.02);
    }

    @Test
    void badValuesAreEachReportedAtTheirPosition() {
        List<ConfigError> errors = errors("""
                targets: [127.0.0.1:8080]
                canary:
                  address: 127.0.0.1:8080
                  steps: [10, 50, 40]
                  interval: 0s
                  max_error_rate: 150%
                  max_p99: soon
                  min_requests: 0
                  step: [1]
                """);

        assertThat(errors).extracting(ConfigError::line, ConfigError::column, ConfigError::message).containsExactly(
                tuple(6, 16, "upstreams.api.canary.address: 127.0.0.1:8080 is one of the pool's targets already "
                        + "(expected: the address of the new version, not listed in targets:; once promoted, move it "
                        + "there and remove canary:)"),
                tuple(7, 23, "upstreams.api.canary.steps[2]: 40 after 50 does not rise (expected: rising percentages"
                        + " in 1..100, like [10, 50, 100])"),
                tuple(8, 17, "upstreams.api.canary.interval: 0 is too short (expected: more than 0, like 10s)"),
                tuple(9, 23, "upstreams.api.canary.max_error_rate: \"150%\" is not an error rate (expected: a "
                        + "percentage in 0%..100%, like 1% or 0.5%)"),
                tuple(10, 16, "upstreams.api.canary.max_p99: " + durationError("soon")),
                tuple(11, 21, "upstreams.api.canary.min_requests: 0 is out of range (expected: 1..1000000)"),
                tuple(12, 7, "upstreams.api.canary: unknown key \"step\""));
        assertThat(errors.get(6).hint()).contains("did you mean \"steps\"?");
    }

    @Test
    void aMissingAddressAndStepsThatAreNoPercentages() {
        List<ConfigError> errors = errors("""
                targets: [127.0.0.1:8080]
                canary:
                  steps: [0, abc]
                """);

        assertThat(errors).extracting(ConfigError::line, ConfigError::column, ConfigError::message).containsExactly(
                tuple(6, 7, "upstreams.api.canary: missing key \"address\" (expected: the new target's host:port, "
                        + "e.g. canary: { address: 127.0.0.1:8081 })"),
                tuple(6, 15, "upstreams.api.canary.steps[0]: \"0\" is not a step (expected: rising percentages in "
                        + "1..100, like [10, 50, 100])"));
        assertThat(errors("{ targets: [127.0.0.1:8080], canary: { address: 127.0.0.1:8081, steps: 50 } }"))
                .extracting(ConfigError::message).containsExactly("upstreams.api.canary.steps: expected a list of "
                        + "percentages, got \"50\" (expected: rising percentages in 1..100, like [10, 50, 100])");
        assertThat(errors("{ targets: [127.0.0.1:8080], canary: nowhere }")).extracting(ConfigError::message)
                .singleElement().asString().startsWith("upstreams.api.canary: ");
    }

    private static String durationError(String text) {
        try {
            Durations.parse(text);
            throw new AssertionError(text + " parsed");
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
