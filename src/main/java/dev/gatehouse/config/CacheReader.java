package dev.gatehouse.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads the response cache's settings: the top-level {@code cache:} (where stored responses live, shared by all
 * sites) and a site's or route's {@code cache: true | { ... }} (how it caches).
 */
final class CacheReader {
    static final List<String> STORAGE_KEYS = List.of("memory", "disk", "max_object");
    static final List<String> DISK_KEYS = List.of("path", "max_size");
    static final List<String> RULE_KEYS = List.of("stale_while_revalidate", "stale_if_error", "stale_if_unreachable",
            "heuristic", "tags", "set_cookie", "request_directives", "coalesce");
    static final List<String> COALESCE_KEYS = List.of("wait", "max_waiters");
    private static final List<String> SET_COOKIE =
            Arrays.stream(CacheRule.SetCookie.values()).map(CacheRule.SetCookie::configName).toList();
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,3})%");
    /** Below this the memory tier would hold next to nothing: a likely typo (kb for mb). */
    private static final long MIN_MEMORY = 1 << 20;

    private final Values values;
    private final Problems problems;
    private final Path baseDir;

    CacheReader(Values values, Path baseDir) {
        this.values = values;
        this.problems = values.problems();
        this.baseDir = baseDir;
    }

    /** The top-level {@code cache:} section; the defaults when absent. */
    CacheStorage storage(YamlMap root) {
        Optional<Node> node = root.get("cache");
        if (node.isEmpty()) {
            return CacheStorage.DEFAULTS;
        }
        if (node.get() instanceof ScalarNode) {
            problems.at(node.get(), "cache", "expected a map of where the cache stores responses (memory, disk, "
                    + "max_object), got " + YamlNodes.describe(node.get()),
                    "turn the cache on for a site or route with cache: true under it");
            return CacheStorage.DEFAULTS;
        }
        Optional<YamlMap> map = YamlMap.fields(node.get(), "cache", STORAGE_KEYS, problems);
        if (map.isEmpty()) {
            return CacheStorage.DEFAULTS;
        }
        YamlMap m = map.get();
        long memory = m.get("memory").flatMap(n -> values.size(n, m.path("memory")).filter(v -> {
            if (v >= MIN_MEMORY) {
                return true;
            }
            problems.at(n, m.path("memory"), v + " bytes is too small (expected: at least 1mb, like 256mb)");
            return false;
        })).orElse(CacheStorage.DEFAULT_MEMORY);
        long maxObject = m.get("max_object").flatMap(n -> values.size(n, m.path("max_object")).filter(v -> {
            if (v > 0 && v <= Integer.MAX_VALUE) {
                return true;
            }
            problems.at(n, m.path("max_object"), v + " bytes is out of range (expected: 1b to 2gb, like 8mb)");
            return false;
        })).orElse(CacheStorage.DEFAULT_MAX_OBJECT);
        Optional<CacheStorage.Disk> disk = m.get("disk").flatMap(n -> disk(n, m.path("disk")));
        return new CacheStorage(memory, disk, maxObject);
    }

    private Optional<CacheStorage.Disk> disk(Node node, String path) {
        return YamlMap.fields(node, path, DISK_KEYS, problems).flatMap(d -> {
            for (String k : DISK_KEYS) {
                if (!d.has(k) && !d.hadUnknownKeys()) {
                    problems.at(node, path, "no " + k + " (expected: both path and max_size, like "
                            + "disk: { path: ./cache, max_size: 10gb })");
                }
            }
            Optional<Path> dir = values.string(d, "path").map(p -> baseDir.resolve(p).toAbsolutePath().normalize());
            Optional<Long> max = d.get("max_size").flatMap(n -> values.size(n, d.path("max_size")).filter(v -> {
                if (v >= MIN_MEMORY) {
                    return true;
                }
                problems.at(n, d.path("max_size"), v + " bytes is too small (expected: at least 1mb, like 10gb)");
                return false;
            }));
            return dir.isPresent() && max.isPresent() ? Optional.of(new CacheStorage.Disk(dir.get(), max.get()))
                    : Optional.empty();
        });
    }

    /**
     * A site's or route's {@code cache}: {@code true} (the defaults), {@code false} (off, e.g. on a route of a site
     * that caches), or a map of settings. Empty for off or a bad value (reported).
     */
    Optional<CacheRule> rule(Node node, String path) {
        if (node instanceof ScalarNode) {
            return values.bool(node, path).map(on -> on ? CacheRule.DEFAULTS : CacheRule.OFF);
        }
        if (!(node instanceof MappingNode)) {
            problems.at(node, path, "expected true, false or a map of cache settings, got " + YamlNodes.describe(node));
            return Optional.empty();
        }
        Optional<YamlMap> map = YamlMap.fields(node, path, RULE_KEYS, problems);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        CacheRule d = CacheRule.DEFAULTS;
        Duration swr = m.get("stale_while_revalidate")
                .flatMap(n -> values.duration(n, m.path("stale_while_revalidate"))).orElse(d.staleWhileRevalidate());
        Duration sie = m.get("stale_if_error").flatMap(n -> values.duration(n, m.path("stale_if_error")))
                .orElse(d.staleIfError());
        Duration unreachable = m.get("stale_if_unreachable")
                .flatMap(n -> values.duration(n, m.path("stale_if_unreachable"))).orElse(d.staleIfUnreachable());
        CacheRule.Heuristic heuristic = m.get("heuristic").flatMap(n -> heuristic(n, m.path("heuristic")))
                .orElse(d.heuristic());
        List<String> tags = m.get("tags").map(n -> tags(n, m.path("tags"))).orElse(d.tagHeaders());
        CacheRule.SetCookie setCookie = values.string(m, "set_cookie").flatMap(t -> setCookie(t, m))
                .orElse(d.setCookie());
        boolean requestDirectives = m.get("request_directives")
                .flatMap(n -> values.bool(n, m.path("request_directives"))).orElse(d.requestDirectives());
        Duration wait = d.coalesceWait();
        int maxWaiters = d.maxWaiters();
        Optional<Node> coalesce = m.get("coalesce");
        if (coalesce.isPresent()) {
            if (coalesce.get() instanceof ScalarNode) {
                Optional<String> text = values.string(coalesce.get(), m.path("coalesce"));
                if (text.isPresent() && (text.get().equals("off") || text.get().equals("false"))) {
                    wait = Duration.ZERO;
                } else if (text.isPresent() && !text.get().equals("true")) {
                    problems.at(coalesce.get(), m.path("coalesce"), "\"" + text.get() + "\" is not a coalescing "
                            + "setting (expected: off, or { wait: 10s, max_waiters: 1000 })");
                }
            } else {
                Optional<YamlMap> c = YamlMap.fields(coalesce.get(), m.path("coalesce"), COALESCE_KEYS, problems);
                if (c.isPresent()) {
                    wait = c.get().get("wait").flatMap(n -> values.duration(n, c.get().path("wait"))).orElse(wait);
                    maxWaiters = c.get().get("max_waiters").flatMap(n -> values.integer(n,
                            c.get().path("max_waiters"), 1, 1_000_000)).orElse(maxWaiters);
                }
            }
        }
        return Optional.of(new CacheRule(true, swr, sie, unreachable, heuristic, tags, setCookie, requestDirectives,
                wait, maxWaiters));
    }

    /** {@code off}, {@code 10%} (1..100) or a duration. */
    private Optional<CacheRule.Heuristic> heuristic(Node node, String path) {
        return values.string(node, path).flatMap(text -> {
            if (text.equals("off") || text.equals("false")) {
                return Optional.of(CacheRule.Heuristic.OFF);
            }
            Matcher pm = PERCENT.matcher(text);
            if (pm.matches()) {
                int p = Integer.parseInt(pm.group(1));
                if (p >= 1 && p <= 100) {
                    return Optional.of(new CacheRule.Heuristic(p, Duration.ZERO));
                }
            } else {
                try {
                    Duration d = Durations.parse(text);
                    return Optional.of(d.isZero() ? CacheRule.Heuristic.OFF : new CacheRule.Heuristic(0, d));
                } catch (IllegalArgumentException e) {
                    // reported below
                }
            }
            problems.at(node, path, "\"" + text + "\" is not a heuristic (expected: off, a share of the time since "
                    + "Last-Modified like 10% (1% to 100%), or a lifetime like 5m)");
            return Optional.empty();
        });
    }

    /** Field names, as a list or one string. */
    private List<String> tags(Node node, String path) {
        List<String> out = new ArrayList<>();
        List<Node> items = Values.oneOrMany(node);
        for (int i = 0; i < items.size(); i++) {
            String itemPath = node instanceof SequenceNode ? YamlNodes.item(path, i) : path;
            Node item = items.get(i);
            values.string(item, itemPath).ifPresent(name -> {
                if (name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                    out.add(name.toLowerCase(Locale.ROOT));
                } else {
                    problems.at(item, itemPath, "\"" + name + "\" is not a header field name (expected: like "
                            + "Surrogate-Key)");
                }
            });
        }
        return out;
    }

    private Optional<CacheRule.SetCookie> setCookie(String text, YamlMap m) {
        for (CacheRule.SetCookie s : CacheRule.SetCookie.values()) {
            if (s.configName().equals(text)) {
                return Optional.of(s);
            }
        }
        problems.at(m.get("set_cookie").orElseThrow(), m.path("set_cookie"), "unknown set_cookie \"" + text
                + "\" (expected: " + String.join(", ", SET_COOKIE) + ")", KeyHints.closest(text, SET_COOKIE)
                .map(c -> "did you mean \"" + c + "\"?").orElse(null));
        return Optional.empty();
    }
}
