package dev.gatehouse.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Buckets in memory: one Caffeine cache per limit, bounded in size, each entry forgotten {@link Gcra#horizonNanos}
 * after its last request (by then it is as good as fresh, so forgetting changes no answer). A flood of distinct keys
 * fills the cache to its bound and no further; Caffeine's admission policy keeps the frequently seen keys over
 * one-off ones. Per key: a {@link BucketKey} (32 bytes), the TAT (a boxed long, 16 bytes) and Caffeine's node and
 * table slot, about 120 bytes in all ({@code bench/limits-memory.sh} measures it).
 */
final class MemoryCounterStore implements CounterStore {
    private final LongSupplier clock;
    private final long maxKeys;
    private final Map<String, MemoryBuckets> limits = new ConcurrentHashMap<>();

    MemoryCounterStore(LongSupplier clock, long maxKeys) {
        this.clock = clock;
        this.maxKeys = maxKeys;
    }

    @Override
    public Buckets buckets(String name, Gcra gcra) {
        MemoryBuckets b = limits.compute(name, (n, old) -> old != null && old.gcra.equals(gcra) ? old
                : new MemoryBuckets(gcra));
        return b;
    }

    /** Forgets the limits not in {@code keep} (a reload removed them). */
    void retain(java.util.Set<String> keep) {
        limits.keySet().retainAll(keep);
    }

    private final class MemoryBuckets implements Buckets {
        final Gcra gcra;
        final Cache<BucketKey, Long> tats;

        MemoryBuckets(Gcra gcra) {
            this.gcra = gcra;
            Ticker ticker = clock::getAsLong;
            this.tats = Caffeine.newBuilder()
                    .maximumSize(maxKeys)
                    .expireAfterAccess(Duration.ofNanos(gcra.horizonNanos()))
                    .ticker(ticker)
                    .executor(Runnable::run) // eviction work on the caller, a few entries at a time; no pool threads
                    .build();
        }

        @Override
        public void take(BucketKey key, LongConsumer outcome) {
            long now = clock.getAsLong();
            long[] backlog = new long[1];
            tats.asMap().compute(key, (k, tat) -> {
                long t = tat == null ? now : tat;
                backlog[0] = Gcra.backlog(t, now);
                long next = gcra.next(t, now);
                return tat != null && next == t ? tat : next;
            });
            outcome.accept(backlog[0]);
        }

        @Override
        public void refund(BucketKey key) {
            tats.asMap().computeIfPresent(key, (k, tat) -> tat - gcra.intervalNanos());
        }

        @Override
        public Gcra gcra() {
            return gcra;
        }
    }
}
