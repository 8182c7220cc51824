package dev.gatehouse.cache;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Which URLs are stored, sorted (for purges by prefix), and which URLs carry each tag (for purges by tag). Kept by
 * {@link ResponseCache} as responses are stored and as URLs leave every tier; it may name a URL a little longer than
 * a tier holds it, never the other way round (a URL is indexed before it is stored).
 */
final class PurgeIndex {
    private final ConcurrentSkipListSet<String> urls = new ConcurrentSkipListSet<>();
    private final ConcurrentHashMap<String, Set<String>> byTag = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, List<String>> tagsOf = new ConcurrentHashMap<>();

    void add(String url, List<String> tags) {
        urls.add(url);
        List<String> before = tagsOf.put(url, tags);
        for (String tag : tags) {
            byTag.computeIfAbsent(tag, t -> ConcurrentHashMap.newKeySet()).add(url);
        }
        if (before != null) {
            for (String old : before) {
                if (!tags.contains(old)) {
                    forget(old, url);
                }
            }
        }
    }

    void remove(String url) {
        urls.remove(url);
        List<String> tags = tagsOf.remove(url);
        if (tags != null) {
            tags.forEach(t -> forget(t, url));
        }
    }

    private void forget(String tag, String url) {
        byTag.computeIfPresent(tag, (t, set) -> {
            set.remove(url);
            return set.isEmpty() ? null : set;
        });
    }

    List<String> withTag(String tag) {
        Set<String> set = byTag.get(tag);
        return set == null ? List.of() : List.copyOf(set);
    }

    /** Stored URLs that start with {@code prefix}, in order. */
    List<String> withPrefix(String prefix) {
        return urls.tailSet(prefix).stream().takeWhile(u -> u.startsWith(prefix)).toList();
    }

    int size() {
        return urls.size();
    }
}
