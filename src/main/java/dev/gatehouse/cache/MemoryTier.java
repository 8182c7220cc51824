package dev.gatehouse.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stored responses in memory, bounded in bytes: Caffeine weighs each URL's responses by their bodies and fields and
 * evicts by its frequency-and-recency policy (W-TinyLFU), which keeps one-off URLs from flushing popular ones.
 * Bodies are direct buffers; the tier holds one reference to each and releases it when the URL leaves.
 */
final class MemoryTier implements CacheTier {
    private final Cache<String, List<StoredResponse>> cache;
    private final long maxBytes;
    private final AtomicLong evictions = new AtomicLong();

    /**
     * @param maxBytes  the bound
     * @param onRemoval told of every URL that leaves (not on replacement), with whether it was evicted for space
     */
    MemoryTier(long maxBytes, TierRemovals onRemoval) {
        this.maxBytes = maxBytes;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String url, List<StoredResponse> rs) -> (int) Math.min(Integer.MAX_VALUE, weight(rs)))
                .executor(Runnable::run) // releases happen at once, in the thread that caused them
                .removalListener((String url, List<StoredResponse> rs, RemovalCause cause) -> {
                    if (rs != null) {
                        rs.forEach(r -> r.body.release());
                    }
                    if (cause.wasEvicted()) {
                        evictions.incrementAndGet();
                    }
                    if (cause != RemovalCause.REPLACED && url != null) {
                        onRemoval.removed(url, rs == null ? List.of() : rs, cause.wasEvicted());
                    }
                })
                .build();
    }

    /** The responses for {@code url}, newest first, without waiting: the hit path. */
    List<StoredResponse> peek(String url) {
        List<StoredResponse> rs = cache.getIfPresent(url);
        return rs == null ? List.of() : rs;
    }

    /** Whether one response of {@code weight} bytes may be kept here at all (an eighth of the tier at most). */
    boolean fits(long weight) {
        return weight <= maxBytes / 8;
    }

    @Override
    public CompletionStage<List<StoredResponse>> load(String url) {
        return CompletableFuture.completedFuture(peek(url));
    }

    @Override
    public void save(String url, List<StoredResponse> responses) {
        for (int i = 0; i < responses.size(); i++) {
            if (!responses.get(i).body.retain()) {
                for (int j = 0; j < i; j++) {
                    responses.get(j).body.release();
                }
                return; // a body was freed under us: keep what the tier had
            }
        }
        cache.put(url, List.copyOf(responses));
    }

    @Override
    public boolean remove(String url) {
        return cache.asMap().remove(url) != null;
    }

    /** Drops everything (shutdown), releasing every body. */
    @Override
    public void close() {
        cache.invalidateAll();
        cache.cleanUp();
    }

    @Override
    public long bytes() {
        return cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }

    @Override
    public long entries() {
        return cache.estimatedSize();
    }

    long evictions() {
        return evictions.get();
    }

    @Override
    public String name() {
        return "memory";
    }

    /** Runs pending maintenance (evictions) now: for tests that look at the bound. */
    void cleanUp() {
        cache.cleanUp();
    }

    static long weight(List<StoredResponse> rs) {
        long w = 0;
        for (StoredResponse r : rs) {
            w += r.weight();
        }
        return w;
    }
}
