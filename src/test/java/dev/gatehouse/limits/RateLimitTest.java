package dev.gatehouse.limits;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** GCRA with nginx limit_req semantics, against a virtual clock. */
class RateLimitTest {
    private static final long MS = 1_000_000L;
    private final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
    private final CounterStore store = CounterStore.memory(clock::get, 10_000);
    private final BucketKey alice = BucketKey.of(address("192.0.2.1"));
    private final BucketKey bob = BucketKey.of(address("2001:db8::2"));

    private static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private RateLimit limit(String name, long count, Duration per, long burst, long delay) {
        return new RateLimit(name, count, per, burst, delay, store.buckets(name, Gcra.of(count, per, burst)));
    }

    private StackedLimits.Verdict check(List<RateLimit> limits, BucketKey... keys) {
        List<StackedLimits.Verdict> out = new ArrayList<>();
        StackedLimits.check(limits, keys, out::add);
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private String run(RateLimit limit, BucketKey key, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(check(List.of(limit), key) instanceof StackedLimits.Admitted ? 'A' : 'R');
        }
        return sb.toString();
    }

    private void advance(long millis) {
        clock.addAndGet(millis * MS);
    }

    @Test
    void burstPassesAtOnceThenTheRate() {
        RateLimit l = limit("a", 10, Duration.ofSeconds(1), 5, 0);
        assertThat(run(l, alice, 8)).isEqualTo("AAAAAARR"); // 1 + burst
        advance(99);
        assertThat(run(l, alice, 1)).isEqualTo("R");
        advance(1);
        assertThat(run(l, alice, 2)).isEqualTo("AR"); // one interval gave back one request
        advance(350);
        assertThat(run(l, alice, 4)).isEqualTo("AAAR");
    }

    @Test
    void burstZeroIsOneRequestPerInterval() {
        RateLimit l = limit("a", 2, Duration.ofSeconds(1), 0, 0);
        assertThat(run(l, alice, 2)).isEqualTo("AR");
        advance(499);
        assertThat(run(l, alice, 1)).isEqualTo("R");
        advance(1);
        assertThat(run(l, alice, 2)).isEqualTo("AR");
    }

    @Test
    void keysHaveTheirOwnBuckets() {
        RateLimit l = limit("a", 1, Duration.ofMinutes(1), 1, 0);
        assertThat(run(l, alice, 3)).isEqualTo("AAR");
        assertThat(run(l, bob, 3)).isEqualTo("AAR");
        assertThat(run(l, BucketKey.of("api-key-1"), 2)).isEqualTo("AA");
    }

    @Test
    void twoLimitsNeverShareABucketUnlessTheyShareAName() {
        RateLimit first = limit("route-0", 1, Duration.ofSeconds(1), 0, 0);
        RateLimit second = limit("route-1", 1, Duration.ofSeconds(1), 0, 0);
        RateLimit sameZone = limit("route-0", 1, Duration.ofSeconds(1), 0, 0);
        assertThat(run(first, alice, 1)).isEqualTo("A");
        assertThat(run(second, alice, 1)).isEqualTo("A");
        assertThat(run(sameZone, alice, 1)).isEqualTo("R");
    }

    @Test
    void retryAfterIsTheWaitRoundedUpToWholeSeconds() {
        RateLimit l = limit("a", 1, Duration.ofSeconds(3), 1, 0); // interval 3 s
        run(l, alice, 2);
        StackedLimits.Verdict v = check(List.of(l), alice);
        assertThat(v).isInstanceOf(StackedLimits.Refused.class);
        assertThat(((StackedLimits.Refused) v).retryAfterSeconds()).isEqualTo(3);
        advance(2_100);
        StackedLimits.Refused later = (StackedLimits.Refused) check(List.of(l), alice);
        assertThat(later.retryAfterSeconds()).isEqualTo(1); // 0.9 s rounds up to 1
        assertThat(l.refusedField(later.backlog())).isEqualTo("\"a\";r=0;t=1");
        assertThat(l.policyField()).isEqualTo("\"a\";q=1;w=3");
        advance(900);
        assertThat(check(List.of(l), alice)).isInstanceOf(StackedLimits.Admitted.class);
    }

    @Test
    void delayServesTheLastOfTheBurstAtTheRate() {
        RateLimit l = limit("a", 10, Duration.ofSeconds(1), 4, 2); // 2 of the 4 wait their turn
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            StackedLimits.Verdict v = check(List.of(l), alice);
            delays.add(v instanceof StackedLimits.Admitted a ? a.delayNanos() / MS : -1L);
        }
        assertThat(delays).containsExactly(0L, 0L, 0L, 100L, 200L, -1L);
    }

    @Test
    void delayEqualToBurstIsNginxWithoutNodelay() {
        RateLimit l = limit("a", 10, Duration.ofSeconds(1), 2, 2);
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            StackedLimits.Verdict v = check(List.of(l), alice);
            delays.add(v instanceof StackedLimits.Admitted a ? a.delayNanos() / MS : -1L);
        }
        assertThat(delays).containsExactly(0L, 100L, 200L, -1L);
    }

    @Test
    void stackedLimitsAllMustAdmitAndARefusalGivesBackTheOthersShare() {
        RateLimit perClient = limit("client", 10, Duration.ofSeconds(1), 2, 0);
        RateLimit perSite = limit("site", 10, Duration.ofSeconds(1), 3, 0);
        List<RateLimit> both = List.of(perClient, perSite);
        String seen = "";
        for (BucketKey who : new BucketKey[] {alice, alice, alice, alice, bob, bob}) {
            seen += check(both, who, BucketKey.SHARED) instanceof StackedLimits.Admitted ? 'A' : 'R';
        }
        // alice: 3 pass (1 + burst 2), the 4th is refused by her own limit; bob's first passes, then the site is full
        assertThat(seen).isEqualTo("AAARAR");
        StackedLimits.Verdict v = check(both, bob, BucketKey.SHARED);
        assertThat(((StackedLimits.Refused) v).limit()).isSameAs(perSite);
        // the site refused bob twice: his own bucket was given back each time, so it still has room
        assertThat(check(List.of(perClient), bob)).isInstanceOf(StackedLimits.Admitted.class);
    }

    @Test
    void aMissingKeySkipsItsLimit() {
        RateLimit byHeader = limit("header", 1, Duration.ofHours(1), 0, 0);
        for (int i = 0; i < 3; i++) {
            assertThat(check(List.of(byHeader), new BucketKey[] {null})).isInstanceOf(StackedLimits.Admitted.class);
        }
    }

    @Test
    void bucketsAreForgottenOnceAsGoodAsFresh() {
        MemoryCounterStore memory = new MemoryCounterStore(clock::get, 1000);
        CounterStore.Buckets b = memory.buckets("a", Gcra.of(10, Duration.ofSeconds(1), 5));
        for (int i = 0; i < 100; i++) {
            b.take(BucketKey.of("key-" + i), backlog -> { });
        }
        assertThat(size(b)).isEqualTo(100);
        advance(599); // horizon: (burst + 1) * interval = 600 ms
        assertThat(size(b)).isEqualTo(100);
        advance(2);
        assertThat(size(b)).isZero();
    }

    @Test
    void aFloodOfDistinctKeysStaysWithinTheBound() {
        MemoryCounterStore memory = new MemoryCounterStore(clock::get, 1000);
        CounterStore.Buckets b = memory.buckets("a", Gcra.of(1, Duration.ofHours(1), 100));
        for (int i = 0; i < 50_000; i++) {
            b.take(BucketKey.of("flood-" + i), backlog -> { });
        }
        assertThat(size(b)).isLessThanOrEqualTo(1000);
    }

    @SuppressWarnings("unchecked")
    private static long size(CounterStore.Buckets b) {
        try {
            var field = b.getClass().getDeclaredField("tats");
            field.setAccessible(true);
            var cache = (com.github.benmanes.caffeine.cache.Cache<BucketKey, Long>) field.get(b);
            cache.cleanUp();
            return cache.estimatedSize();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void concurrencyLimiterCountsInFlightRequestsPerKey() {
        ConcurrencyLimiter c = new ConcurrencyLimiter(2);
        assertThat(c.tryAcquire(alice)).isTrue();
        assertThat(c.tryAcquire(alice)).isTrue();
        assertThat(c.tryAcquire(alice)).isFalse();
        assertThat(c.tryAcquire(bob)).isTrue();
        c.release(alice);
        assertThat(c.tryAcquire(alice)).isTrue();
        c.release(alice);
        c.release(alice);
        c.release(bob);
        assertThat(c.trackedKeys()).isZero();
    }

    @Test
    void addressKeysAreExactAndIpv4MatchesItsMappedForm() {
        assertThat(BucketKey.of(address("192.0.2.1"))).isEqualTo(BucketKey.of(address("::ffff:192.0.2.1")));
        assertThat(BucketKey.of(address("192.0.2.1"))).isNotEqualTo(BucketKey.of(address("192.0.2.2")));
        assertThat(BucketKey.of("a")).isNotEqualTo(BucketKey.of("b"));
        assertThat(BucketKey.of("a").hex()).hasSize(32);
    }
}
