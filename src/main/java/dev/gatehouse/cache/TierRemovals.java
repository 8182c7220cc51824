package dev.gatehouse.cache;

import java.util.List;

/** Told when a URL leaves a tier (not when its entry is replaced). */
@FunctionalInterface
interface TierRemovals {
    /** @param evicted true when the tier dropped it for space, false for an invalidation or purge */
    void removed(String url, List<StoredResponse> responses, boolean evicted);
}
