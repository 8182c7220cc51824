package dev.gatehouse.cache;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Request coalescing: the fetches in flight by URL. The first miss for a URL leads a fetch and goes to the origin;
 * misses that arrive while it is out wait for its answer ({@link InFlight}) instead of going too.
 */
final class Coalescer {
    /** The fetch a request joined, and whether the request leads it (goes to the origin) or waits for it. */
    record Joined(InFlight fetch, boolean leader) {
    }

    private final ConcurrentHashMap<String, InFlight> inFlight = new ConcurrentHashMap<>();

    Joined join(String url, int maxWaiters, long maxObject) {
        InFlight created = new InFlight(url, maxWaiters, maxObject, this);
        InFlight existing = inFlight.putIfAbsent(url, created);
        return existing != null ? new Joined(existing, false) : new Joined(created, true);
    }

    void done(InFlight f) {
        inFlight.remove(f.url, f);
    }

    int size() {
        return inFlight.size();
    }
}
