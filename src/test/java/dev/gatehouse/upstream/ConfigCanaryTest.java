package dev.gatehouse.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.config.CanarySpec;
import dev.gatehouse.config.Target;
import dev.gatehouse.config.Upstream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What a pool does with the file's {@code canary:} as reloads add, keep, change and remove it. */
class ConfigCanaryTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
    private final UpstreamPool pool = new UpstreamPool(new Upstream("app", List.of(new Target("10.0.0.1", 8080, 100),
            new Target("10.0.0.2", 8080, 50))), clock::get);

    private static CanarySpec spec(String host, List<Integer> steps) {
        return new CanarySpec(new Target(host, 8080, Target.DEFAULT_WEIGHT), steps, Duration.ofSeconds(1), 0.01,
                Optional.empty(), 1);
    }

    private Canary apply(CanarySpec spec) {
        return pool.applyConfigCanary(Optional.of(spec)).orElseThrow();
    }

    private void promote(Canary c) {
        pool.responded(c.target(), 200, 1_000_000);
        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        pool.tick();
        assertThat(c.state()).isEqualTo(Canary.State.PROMOTED);
    }

    private List<String> addresses() {
        return pool.targets().stream().map(TargetState::address).toList();
    }

    @Test
    void theFilesCanaryStartsAndTheSameSettingsLeaveTheRunningOneAlone() {
        Canary c = apply(spec("10.0.0.9", List.of(10, 50, 100)));

        assertThat(c.source()).isEqualTo(Canary.Source.CONFIG);
        assertThat(c.state()).isEqualTo(Canary.State.RUNNING);
        assertThat(c.percent()).isEqualTo(10);
        assertThat(c.target().origin()).isEqualTo(TargetState.Origin.CANARY);
        assertThat(addresses()).containsExactly("10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.9:8080");
        assertThat(apply(spec("10.0.0.9", List.of(10, 50, 100)))).isSameAs(c);
        assertThat(pool.canary()).containsSame(c);
    }

    @Test
    void changedSettingsForTheSameAddressStartAgainOnTheSameTarget() {
        Canary before = apply(spec("10.0.0.9", List.of(10, 50, 100)));
        pool.responded(before.target(), 200, 1_000_000);
        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        pool.tick();
        assertThat(before.percent()).as("the first step passed").isEqualTo(50);

        Canary after = apply(spec("10.0.0.9", List.of(20, 100)));

        assertThat(after).isNotSameAs(before);
        assertThat(after.target()).as("the same live target, connections kept").isSameAs(before.target());
        assertThat(after.percent()).isEqualTo(20);
        assertThat(after.target().draining()).isFalse();
        assertThat(before.state()).isEqualTo(Canary.State.ROLLED_BACK);
        assertThat(before.reason()).contains("changed in the config file");
    }

    @Test
    void anotherAddressRollsTheRunningOneBackAndStartsTheNewOne() {
        Canary before = apply(spec("10.0.0.9", List.of(10, 50, 100)));

        Canary after = apply(spec("10.0.0.8", List.of(10, 100)));

        assertThat(before.state()).isEqualTo(Canary.State.ROLLED_BACK);
        assertThat(before.reason()).isEqualTo("replaced by the canary of 10.0.0.8:8080 in the config file");
        assertThat(before.target().draining()).isTrue();
        assertThat(after.state()).isEqualTo(Canary.State.RUNNING);
        assertThat(addresses()).containsExactly("10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.8:8080");
    }

    @Test
    void removingItRollsARunningOneBackAndLeavesACanaryOfTheAdminApiAlone() {
        Canary c = apply(spec("10.0.0.9", List.of(10, 100)));

        assertThat(pool.applyConfigCanary(Optional.empty())).isEmpty();

        assertThat(c.state()).isEqualTo(Canary.State.ROLLED_BACK);
        assertThat(c.reason()).isEqualTo("removed from the config");
        assertThat(pool.canary()).as("kept for GET and the dashboard").containsSame(c);
        assertThat(addresses()).containsExactly("10.0.0.1:8080", "10.0.0.2:8080");

        Canary api = pool.startCanary(spec("10.0.0.7", List.of(10, 100)));
        pool.applyConfigCanary(Optional.empty());
        assertThat(api.state()).isEqualTo(Canary.State.RUNNING);
        assertThat(api.source()).isEqualTo(Canary.Source.API);
    }

    @Test
    void removingAPromotedOneGivesTheFilesTargetsTheirWeightsBack() {
        Canary c = apply(spec("10.0.0.9", List.of(100)));
        promote(c);
        assertThat(pool.targets()).extracting(TargetState::weight).containsExactly(0, 0, 100);

        pool.applyConfigCanary(Optional.empty());

        assertThat(pool.canary()).isEmpty();
        assertThat(addresses()).containsExactly("10.0.0.1:8080", "10.0.0.2:8080");
        assertThat(pool.targets()).extracting(TargetState::weight).containsExactly(100, 50);
    }

    @Test
    void aPromotedTargetTheFileNowListsStaysAsTheFiles() {
        Canary c = apply(spec("10.0.0.9", List.of(100)));
        promote(c);
        // The next file: the new version in targets, the old ones gone, canary: removed.
        pool.reconfigure(new Upstream("app", List.of(new Target("10.0.0.9", 8080, 100))));
        pool.addFromFile(new Target("10.0.0.9", 8080, 100));
        pool.removeFromFile("10.0.0.1:8080");
        pool.removeFromFile("10.0.0.2:8080");

        pool.applyConfigCanary(Optional.empty());

        assertThat(pool.targets()).singleElement().isSameAs(c.target());
        assertThat(c.target().origin()).isEqualTo(TargetState.Origin.FILE);
        assertThat(c.target().weight()).isEqualTo(100);
    }

    @Test
    void aRunningCanaryOfTheAdminApiIsTheFilesWhenTheFileAsksForTheSameAndReplacedOtherwise() {
        Canary api = pool.startCanary(spec("10.0.0.9", List.of(10, 100)));
        assertThat(apply(spec("10.0.0.9", List.of(10, 100)))).isSameAs(api);
        assertThat(api.source()).isEqualTo(Canary.Source.CONFIG);

        pool.cancelCanary();
        Canary other = pool.startCanary(spec("10.0.0.7", List.of(10, 100)));
        Canary file = apply(spec("10.0.0.6", List.of(10, 100)));
        assertThat(other.state()).isEqualTo(Canary.State.ROLLED_BACK);
        assertThat(file.source()).isEqualTo(Canary.Source.CONFIG);
    }

    @Test
    void anAddressRegisteredThroughTheAdminApiIsNotTakenOver() {
        pool.add(new Target("10.0.0.9", 8080, 100));

        assertThatThrownBy(() -> apply(spec("10.0.0.9", List.of(10, 100))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("registered through the admin API");
        assertThat(pool.canary()).isEmpty();
    }
}
