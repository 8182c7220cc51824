package dev.gatehouse.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cache's meters: per site (names from the config only) the answers by outcome, bytes stored and evictions;
 * per tier the bytes and URLs held, read at scrape time.
 *
 * <pre>
 * gatehouse_cache_requests_total{site, result="hit|miss|stale|revalidated|coalesced|bypass"}
 * gatehouse_cache_stored_bytes_total{site}       bodies written into the cache
 * gatehouse_cache_evictions_total{site, tier}    URLs dropped for space
 * gatehouse_cache_bytes{tier}, gatehouse_cache_entries{tier}
 * </pre>
 */
public final class CacheMeters {
    static final String REQUESTS = "gatehouse.cache.requests";

    /** The outcome of one request as far as the cache is concerned. */
    public enum Result {
        /** Answered from the cache, fresh. */
        HIT,
        /** Forwarded: nothing usable was stored. */
        MISS,
        /** Answered with a stale response (stale-while-revalidate, stale-if-error, max-stale). */
        STALE,
        /** A stored response was revalidated with the origin (304). */
        REVALIDATED,
        /** Answered from another request's fetch (request coalescing). */
        COALESCED,
        /** Not for the cache: an unsafe method, a client's no-store, a precondition only the origin can judge. */
        BYPASS
    }

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Site> sites = new ConcurrentHashMap<>();

    CacheMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void bindTier(CacheTier tier) {
        Gauge.builder("gatehouse.cache.bytes", tier, CacheTier::bytes).description("bytes held by a cache tier")
                .tag("tier", tier.name()).register(registry);
        Gauge.builder("gatehouse.cache.entries", tier, CacheTier::entries).description("URLs held by a cache tier")
                .tag("tier", tier.name()).register(registry);
    }

    void count(String site, Result result) {
        site(site).results[result.ordinal()].increment();
    }

    void stored(String site, long bytes) {
        site(site).storedBytes.increment(bytes);
    }

    void evicted(String site, String tier) {
        Site s = site(site);
        (tier.equals("disk") ? s.diskEvictions : s.memoryEvictions).increment();
    }

    private Site site(String site) {
        Site s = sites.get(site);
        return s != null ? s : sites.computeIfAbsent(site, n -> new Site(registry, n));
    }

    /** Handles made once per site: counting on the event loop allocates nothing. */
    private static final class Site {
        final Counter[] results = new Counter[Result.values().length];
        final Counter storedBytes;
        final Counter memoryEvictions;
        final Counter diskEvictions;

        Site(MeterRegistry registry, String site) {
            for (Result r : Result.values()) {
                results[r.ordinal()] = Counter.builder(REQUESTS).description("requests by what the cache did")
                        .tags("site", site, "result", r.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
            }
            storedBytes = Counter.builder("gatehouse.cache.stored.bytes").description("body bytes stored")
                    .tag("site", site).register(registry);
            memoryEvictions = eviction(registry, site, "memory");
            diskEvictions = eviction(registry, site, "disk");
        }

        private static Counter eviction(MeterRegistry registry, String site, String tier) {
            return Counter.builder("gatehouse.cache.evictions").description("URLs dropped for space")
                    .tags("site", site, "tier", tier).register(registry);
        }
    }
}
