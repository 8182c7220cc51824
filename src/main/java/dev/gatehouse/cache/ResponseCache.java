package dev.gatehouse.cache;

import dev.gatehouse.config.CacheStorage;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The response cache shared by every site and route that has {@code cache}: its tiers (memory first, then disk),
 * the index purges use, request coalescing, and the meters. Built once at start and kept across config reloads;
 * thread-safe.
 */
public final class ResponseCache implements AutoCloseable {
    /** Vary selections kept per URL; older ones go when a new one arrives. */
    static final int MAX_VARIANTS = 16;

    private final CacheStorage config;
    private final MemoryTier memory;
    private final Optional<DiskTier> disk;
    private final PurgeIndex index = new PurgeIndex();
    private final Coalescer coalescer = new Coalescer();
    private final CacheMeters meters;

    /**
     * @param io       runs disk writes and deletions
     * @param registry where the meters go
     */
    public ResponseCache(CacheStorage config, Executor io, MeterRegistry registry) {
        this.config = config;
        this.meters = new CacheMeters(registry);
        this.memory = new MemoryTier(config.memory(), (url, rs, evicted) -> left(url, rs, evicted, "memory"));
        this.disk = config.disk().map(d -> new DiskTier(d.path(), d.maxSize(), io,
                (url, rs, evicted) -> left(url, rs, evicted, "disk")));
        meters.bindTier(memory);
        disk.ifPresent(meters::bindTier);
    }

    /** Reads the disk tier back (at start, off the event loops). */
    public void start() throws IOException {
        if (disk.isPresent()) {
            for (StoredResponse r : disk.get().start()) {
                index.add(r.url, r.tags);
            }
        }
    }

    public CacheStorage config() {
        return config;
    }

    CacheMeters meters() {
        return meters;
    }

    Coalescer coalescer() {
        return coalescer;
    }

    /**
     * The stored responses for {@code url} to choose from for a request with {@code requestHeaders}: the memory
     * tier's when one of them matches the request's Vary selection, else the disk tier's; newest first.
     */
    List<StoredResponse> lookup(String url, HttpHeaders requestHeaders) {
        List<StoredResponse> m = memory.peek(url);
        if (matches(m, requestHeaders) || disk.isEmpty()) {
            return m;
        }
        List<StoredResponse> d = disk.get().peek(url);
        return matches(d, requestHeaders) || m.isEmpty() ? d : m;
    }

    private static boolean matches(List<StoredResponse> rs, HttpHeaders requestHeaders) {
        for (StoredResponse r : rs) {
            if (r.vary.matches(requestHeaders)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Stores {@code response} as the newest for its URL and Vary selection (older responses of other selections
     * stay). The caller keeps its own reference to the body.
     */
    void store(StoredResponse response) {
        String url = response.url;
        List<StoredResponse> inMemory = merged(memory.peek(url), response);
        index.add(url, tags(inMemory, disk.map(d -> d.peek(url)).orElse(List.of())));
        if (memory.fits(MemoryTier.weight(inMemory))) {
            memory.save(url, inMemory);
        } else {
            memory.remove(url); // what it held is outdated now
        }
        disk.ifPresent(d -> d.save(url, merged(d.peek(url), response)));
        meters.stored(response.site, response.body.length());
    }

    /** Replaces {@code old} by {@code updated} (a 304 refreshed it) wherever it is held. */
    void update(StoredResponse old, StoredResponse updated) {
        store(updated);
    }

    private static List<StoredResponse> merged(List<StoredResponse> existing, StoredResponse newest) {
        List<StoredResponse> out = new ArrayList<>(Math.min(existing.size() + 1, MAX_VARIANTS));
        out.add(newest);
        for (StoredResponse r : existing) {
            if (out.size() < MAX_VARIANTS && !r.vary.equals(newest.vary)) {
                out.add(r);
            }
        }
        return out;
    }

    private static List<String> tags(List<StoredResponse> a, List<StoredResponse> b) {
        List<String> out = new ArrayList<>();
        for (List<StoredResponse> rs : List.of(a, b)) {
            for (StoredResponse r : rs) {
                for (String t : r.tags) {
                    if (!out.contains(t)) {
                        out.add(t);
                    }
                }
            }
        }
        return out;
    }

    /** Drops every response stored for {@code url} from every tier (RFC 9111 §4.4); true when one was held. */
    boolean invalidate(String url) {
        boolean held = memory.remove(url);
        if (disk.isPresent()) {
            held |= disk.get().remove(url);
        }
        index.remove(url);
        return held;
    }

    /** Purges one URL under both schemes; returns how many URLs were dropped. */
    public int purgeUrl(String url) {
        int n = invalidate(url) ? 1 : 0;
        String other = CacheKeys.otherScheme(url);
        return n + (!other.equals(url) && invalidate(other) ? 1 : 0);
    }

    /** Purges every URL tagged {@code tag}; returns how many. */
    public int purgeTag(String tag) {
        return purgeAll(index.withTag(tag), u -> true);
    }

    /** Purges every URL that starts with {@code prefix} (under both schemes); returns how many. */
    public int purgePrefix(String prefix) {
        int n = purgeAll(index.withPrefix(prefix), u -> true);
        String other = CacheKeys.otherScheme(prefix);
        return other.equals(prefix) ? n : n + purgeAll(index.withPrefix(other), u -> true);
    }

    private int purgeAll(List<String> urls, Function<String, Boolean> filter) {
        int n = 0;
        for (String u : urls) {
            if (filter.apply(u) && invalidate(u)) {
                n++;
            }
        }
        return n;
    }

    /** A URL left one tier: gone from the index when no tier holds it any more. */
    private void left(String url, List<StoredResponse> rs, boolean evicted, String tier) {
        if (evicted && !rs.isEmpty()) {
            meters.evicted(rs.get(0).site, tier);
        }
        boolean stillHeld = !memory.peek(url).isEmpty() || disk.map(d -> !d.peek(url).isEmpty()).orElse(false);
        if (!stillHeld && evicted) {
            index.remove(url);
        }
    }

    MemoryTier memory() {
        return memory;
    }

    Optional<DiskTier> disk() {
        return disk;
    }

    int indexedUrls() {
        return index.size();
    }

    @Override
    public void close() {
        memory.close();
        disk.ifPresent(DiskTier::close);
    }
}
