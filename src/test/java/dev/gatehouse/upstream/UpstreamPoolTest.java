package dev.gatehouse.upstream;

import dev.gatehouse.config.Balancing;
import dev.gatehouse.config.PassiveCheck;
import dev.gatehouse.config.Retries;
import dev.gatehouse.config.Target;
import dev.gatehouse.config.Upstream;
import dev.gatehouse.config.UpstreamQueue;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamPoolTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000_000L);

    private static List<Target> targets(int... weights) {
        List<Target> out = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            out.add(new Target("10.0.0." + (i + 1), 8080, weights[i]));
        }
        return out;
    }

    private UpstreamPool pool(Balancing.Policy policy, Duration slowStart, int... weights) {
        Upstream d = new Upstream("api", targets(weights));
        return new UpstreamPool(new Upstream("api", d.targets(), new Balancing(policy, Balancing.HashOn.CLIENT_IP,
                Balancing.Sticky.DEFAULT), Optional.empty(), d.passive(), d.retries(), d.queue(), slowStart,
                d.start(), d.whenUnhealthy(), d.deregistrationDelay()), clock::get);
    }

    private TargetLease pick(UpstreamPool pool, List<TargetState> tried) {
        Selection s = pool.select(RequestKey.NONE, tried);
        assertThat(s).isInstanceOf(Selection.Picked.class);
        return ((Selection.Picked) s).lease();
    }

    /** Shares of {@code n} picks (each released at once) by address. */
    private Map<String, Double> shares(UpstreamPool pool, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            TargetLease l = pick(pool, List.of());
            counts.merge(l.target().address(), 1, Integer::sum);
            l.release();
        }
        Map<String, Double> out = new HashMap<>();
        counts.forEach((k, v) -> out.put(k, v / (double) n));
        return out;
    }

    @Test
    void smoothWeightedRoundRobinInterleaves() {
        UpstreamPool pool = pool(Balancing.Policy.ROUND_ROBIN, Duration.ZERO, 500, 100, 100);
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            TargetLease l = pick(pool, List.of());
            order.append(l.target().address().charAt(7));
            l.release();
        }
        assertThat(order.toString()).isEqualTo("1121311");
    }

    @Test
    void slowStartRampsTheShareOfARecoveredTarget() {
        UpstreamPool pool = pool(Balancing.Policy.ROUND_ROBIN, Duration.ofSeconds(10), 100, 100);
        TargetState b = pool.targets().get(1);
        assertThat(shares(pool, 1000).get(b.address())).as("fresh pool: full share at once").isEqualTo(0.5);

        pool.becameHealthy(b);
        double atStart = shares(pool, 1100).get(b.address());
        clock.addAndGet(Duration.ofSeconds(5).toNanos());
        double halfway = shares(pool, 1500).get(b.address());
        clock.addAndGet(Duration.ofSeconds(5).toNanos());
        double ramped = shares(pool, 1000).get(b.address());
        System.out.printf("slow start share: %.1f%% at 0s, %.1f%% at 5s, %.1f%% at 10s%n", atStart * 100,
                halfway * 100, ramped * 100);

        assertThat(atStart).isBetween(0.08, 0.10); // 10 of 110
        assertThat(halfway).isBetween(0.32, 0.34); // 50 of 150
        assertThat(ramped).isEqualTo(0.5);
    }

    @Test
    void leastRequestsPrefersTheIdleTarget() {
        UpstreamPool pool = pool(Balancing.Policy.LEAST_REQUESTS, Duration.ZERO, 100, 100, 100);
        TargetLease busy1 = pick(pool, List.of());
        TargetLease busy2 = pick(pool, List.of());
        assertThat(busy2.target()).isNotSameAs(busy1.target());
        TargetLease third = pick(pool, List.of());
        assertThat(Set.of(busy1.target(), busy2.target(), third.target())).hasSize(3);
        third.release();
        for (int i = 0; i < 20; i++) {
            TargetLease l = pick(pool, List.of());
            assertThat(l.target()).isSameAs(third.target());
            l.release();
        }
    }

    @Test
    void powerOfTwoSpreadsAndAvoidsTheLoadedTarget() {
        UpstreamPool pool = pool(Balancing.Policy.P2C, Duration.ZERO, 100, 100, 100, 100);
        Map<String, Double> s = shares(pool, 4000);
        assertThat(s.values()).allSatisfy(v -> assertThat(v).isBetween(0.20, 0.30));

        TargetState loaded = pool.targets().get(0);
        for (int i = 0; i < 20; i++) {
            assertThat(loaded.tryAcquire()).isTrue(); // 20 slow requests in flight there
        }
        double loadedShare = shares(pool, 4000).getOrDefault(loaded.address(), 0.0);
        System.out.printf("p2c: %s idle shares, loaded target %.1f%%%n", s, loadedShare * 100);
        assertThat(loadedShare).as("two distinct draws: the busier one never wins").isZero();
    }

    @Test
    void firstFailsOverInOrder() {
        UpstreamPool pool = pool(Balancing.Policy.FIRST, Duration.ZERO, 100, 100, 100);
        List<TargetState> t = pool.targets();
        assertThat(pick(pool, List.of()).target()).isSameAs(t.get(0));
        assertThat(pick(pool, List.of(t.get(0))).target()).isSameAs(t.get(1));
        t.get(1).health(Health.UNHEALTHY);
        assertThat(pick(pool, List.of(t.get(0))).target()).isSameAs(t.get(2));
    }

    @Test
    void retryBudgetIsAShareOfRecentRequests() {
        RetryBudget budget = new RetryBudget(20, clock::get);
        for (int i = 0; i < 100; i++) {
            budget.request();
        }
        int allowed = 0;
        while (budget.tryRetry()) {
            allowed++;
        }
        assertThat(allowed).isEqualTo(20);
        clock.addAndGet(Duration.ofSeconds(RetryBudget.WINDOW_SECONDS + 1).toNanos());
        allowed = 0;
        while (budget.tryRetry()) {
            allowed++;
        }
        assertThat(allowed).as("an idle window still allows a few").isEqualTo(RetryBudget.MIN_RETRIES);
    }

    @Test
    void passiveChecksEjectForLongerOnRepeatsButNeverMoreThanMaxEject() {
        UpstreamPool pool = pool(Balancing.Policy.ROUND_ROBIN, Duration.ZERO, 100, 100, 100, 100);
        List<TargetState> t = pool.targets();
        PassiveCheck p = PassiveCheck.DEFAULT;
        for (int i = 0; i < p.failures(); i++) {
            pool.failed(t.get(0), "connect-refused");
        }
        assertThat(t.get(0).ejected(clock.get())).isTrue();
        for (int i = 0; i < p.failures(); i++) {
            pool.responded(t.get(1), 503, 0);
        }
        assertThat(t.get(1).ejected(clock.get())).isTrue();
        for (int i = 0; i < p.failures() * 2; i++) {
            pool.failed(t.get(2), "header-timeout");
        }
        assertThat(t.get(2).ejected(clock.get())).as("50% of 4 are ejected already").isFalse();
        assertThat(shares(pool, 100).keySet()).containsOnly(t.get(2).address(), t.get(3).address());

        clock.addAndGet(p.eject().toNanos());
        assertThat(t.get(0).ejected(clock.get())).isFalse();
        for (int i = 0; i < p.failures(); i++) {
            pool.failed(t.get(0), "connect-refused");
        }
        clock.addAndGet(p.eject().toNanos() + 1);
        assertThat(t.get(0).ejected(clock.get())).as("the second ejection lasts twice as long").isTrue();
    }

    @Test
    void targetsCanBeAddedReweightedAndRemovedWhileRequestsAreInFlight() {
        UpstreamPool pool = pool(Balancing.Policy.ROUND_ROBIN, Duration.ZERO, 100);
        TargetLease inFlight = pick(pool, List.of());
        TargetState added = pool.add(new Target("10.0.0.9", 8080, 300));
        assertThat(shares(pool, 400).get(added.address())).isEqualTo(0.75);

        assertThat(pool.reweight("10.0.0.9:8080", 0)).isTrue();
        assertThat(shares(pool, 10)).containsOnlyKeys("10.0.0.1:8080");

        assertThat(pool.remove("10.0.0.1:8080")).isPresent();
        assertThat(pool.select(RequestKey.NONE, List.of())).isInstanceOf(Selection.Unavailable.class);
        assertThat(pool.drainingTargets()).containsExactly(inFlight.target());
        assertThat(pool.status().targets()).extracting(PoolStatus.TargetStatus::address, PoolStatus.TargetStatus::draining,
                PoolStatus.TargetStatus::inFlight).contains(org.assertj.core.api.Assertions.tuple("10.0.0.1:8080", true, 1));
        inFlight.release();
        pool.tick();
        assertThat(pool.drainingTargets()).isEmpty();
    }

    @Test
    void aTargetAtMaxRequestsQueuesAndWakesTheWaiterWhenASlotFrees() {
        Upstream d = new Upstream("api", List.of(new Target("10.0.0.1", 8080, 100, 1)));
        UpstreamPool pool = new UpstreamPool(new Upstream("api", d.targets(), d.balancing(), Optional.empty(),
                d.passive(), new Retries(2, 20), new UpstreamQueue(1, Duration.ofSeconds(1)), Duration.ZERO,
                d.start(), d.whenUnhealthy(), d.deregistrationDelay()), clock::get);
        TargetLease held = pick(pool, List.of());
        assertThat(pool.select(RequestKey.NONE, List.of())).isInstanceOf(Selection.Busy.class);
        AtomicInteger woken = new AtomicInteger();
        Optional<Waiter> w = pool.enqueue(woken::incrementAndGet);
        assertThat(w).isPresent();
        assertThat(pool.enqueue(woken::incrementAndGet)).as("queue of one is full").isEmpty();
        held.release();
        assertThat(woken).hasValue(1);
        assertThat(w.get().cancel()).as("already woken").isFalse();
        assertThat(pool.status().queued()).isZero();
    }

    @Test
    void aReloadChangesOnlyWhatTheFileChangedAndLeavesTargetsRegisteredAtRunTime() {
        UpstreamPool pool = pool(Balancing.Policy.ROUND_ROBIN, Duration.ZERO, 100, 100);
        TargetState first = pool.targets().get(0);
        TargetLease inFlight = pick(pool, List.of());
        pool.add(new Target("10.0.0.9", 8080, 100)); // the admin API

        pool.reconfigure(new Upstream("api", targets(100, 100, 100)));
        pool.addFromFile(new Target("10.0.0.3", 8080, 100, 7));
        pool.retune(new Target("10.0.0.1", 8080, 20, 5));
        assertThat(pool.removeFromFile("10.0.0.9:8080")).as("registered at run time: not the file's").isEmpty();
        assertThat(pool.removeFromFile("10.0.0.2:8080")).isPresent();

        assertThat(pool.targets()).extracting(TargetState::address)
                .containsExactly("10.0.0.1:8080", "10.0.0.9:8080", "10.0.0.3:8080");
        assertThat(pool.targets()).extracting(TargetState::origin).containsExactly(TargetState.Origin.FILE,
                TargetState.Origin.API, TargetState.Origin.FILE);
        assertThat(pool.targets().get(0)).as("the same live target").isSameAs(first);
        assertThat(first.weight()).isEqualTo(20);
        assertThat(first.maxRequests()).isEqualTo(5);
        assertThat(first.requests()).as("counters carried over").isEqualTo(1);
        assertThat(pool.targets().get(2).maxRequests()).isEqualTo(7);
        inFlight.release();
    }

    @Test
    void aTargetTheFileTakesOverBecomesTheFilesAndDrainsWhenTheFileDropsIt() {
        UpstreamPool pool = pool(Balancing.Policy.ROUND_ROBIN, Duration.ZERO, 100);
        pool.add(new Target("10.0.0.5", 8080, 100));

        pool.addFromFile(new Target("10.0.0.5", 8080, 50));
        TargetLease lease = null;
        for (int i = 0; i < 4 && lease == null; i++) {
            TargetLease l = pick(pool, List.of());
            if (l.target().address().equals("10.0.0.5:8080")) {
                lease = l;
            } else {
                l.release();
            }
        }
        assertThat(lease).isNotNull();
        assertThat(pool.removeFromFile("10.0.0.5:8080")).isPresent();

        assertThat(pool.targets()).extracting(TargetState::address).containsExactly("10.0.0.1:8080");
        assertThat(pool.drainingTargets()).extracting(TargetState::address).containsExactly("10.0.0.5:8080");
        lease.release();
    }

    @Test
    void reconfiguringAPoolChangesItsPolicyForTheNextPick() {
        UpstreamPool pool = pool(Balancing.Policy.ROUND_ROBIN, Duration.ZERO, 100, 100);
        Upstream d = pool.config();
        pool.reconfigure(new Upstream("api", d.targets(), new Balancing(Balancing.Policy.FIRST,
                Balancing.HashOn.CLIENT_IP, Balancing.Sticky.DEFAULT), Optional.empty(), d.passive(), d.retries(),
                d.queue(), d.slowStart(), d.start(), d.whenUnhealthy(), d.deregistrationDelay()));

        assertThat(shares(pool, 10)).containsOnlyKeys("10.0.0.1:8080");
        assertThat(pool.status().policy()).isEqualTo("first");
    }
}
