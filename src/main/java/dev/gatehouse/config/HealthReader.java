package dev.gatehouse.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Reads a pool's {@code health:} (active checks) and {@code passive:} (outlier detection). */
final class HealthReader {
    private static final List<String> HEALTH_KEYS = List.of("path", "host", "method", "interval", "timeout",
            "healthy", "unhealthy", "status", "body", "port");
    private static final List<String> PASSIVE_KEYS = List.of("failures", "statuses", "eject", "max_eject");
    private static final List<String> METHODS = List.of("GET", "HEAD", "OPTIONS", "POST");

    private final Values values;
    private final Problems problems;

    HealthReader(Values values) {
        this.values = values;
        this.problems = values.problems();
    }

    Optional<HealthCheck> active(YamlMap pool) {
        return pool.get("health").flatMap(n -> YamlMap.fields(n, pool.path("health"), HEALTH_KEYS, problems))
                .map(this::health);
    }

    private HealthCheck health(YamlMap h) {
        String path = values.string(h, "path").filter(p -> {
            if (p.startsWith("/") && p.chars().noneMatch(c -> c <= ' ' || c == 0x7f)) {
                return true;
            }
            problems.at(h.get("path").orElseThrow(), h.path("path"),
                    "\"" + p + "\" is not a path (expected: starting with /, like /health)");
            return false;
        }).orElse(HealthCheck.DEFAULT_PATH);
        Optional<String> host = values.string(h, "host").filter(v -> {
            if (v.matches("[A-Za-z0-9.:\\[\\]_-]+")) {
                return true;
            }
            problems.at(h.get("host").orElseThrow(), h.path("host"),
                    "\"" + v + "\" is not a host name (expected: like api.internal or api.internal:8080)");
            return false;
        });
        String method = values.string(h, "method").filter(v -> {
            if (METHODS.contains(v)) {
                return true;
            }
            problems.at(h.get("method").orElseThrow(), h.path("method"), "\"" + v + "\" is not a check method "
                    + "(expected: one of " + String.join(", ", METHODS) + ")");
            return false;
        }).orElse(HealthCheck.DEFAULT_METHOD);
        Duration interval = duration(h, "interval", HealthCheck.DEFAULT_INTERVAL);
        Duration timeout = duration(h, "timeout", HealthCheck.DEFAULT_TIMEOUT);
        if (timeout.compareTo(interval) > 0 && h.has("timeout")) {
            problems.at(h.get("timeout").orElseThrow(), h.path("timeout"), "timeout " + text(timeout)
                    + " is longer than the interval " + text(interval) + " (expected: at most the interval)");
        }
        int healthy = h.get("healthy").flatMap(n -> values.integer(n, h.path("healthy"), 1, 100))
                .orElse(HealthCheck.DEFAULT_HEALTHY);
        int unhealthy = h.get("unhealthy").flatMap(n -> values.integer(n, h.path("unhealthy"), 1, 100))
                .orElse(HealthCheck.DEFAULT_UNHEALTHY);
        List<HealthCheck.StatusRange> status = h.get("status").map(n -> statusRanges(n, h.path("status")))
                .filter(l -> !l.isEmpty()).orElse(HealthCheck.DEFAULT_STATUS);
        Optional<String> body = values.string(h, "body").filter(b -> {
            if (!b.isEmpty()) {
                return true;
            }
            problems.at(h.get("body").orElseThrow(), h.path("body"), "empty body substring (expected: text the "
                    + "response body must contain, or leave body: out)");
            return false;
        });
        OptionalInt port = h.get("port").flatMap(n -> values.integer(n, h.path("port"), 1, 65535))
                .map(OptionalInt::of).orElse(OptionalInt.empty());
        return new HealthCheck(path, host, method, interval, timeout, healthy, unhealthy, status, body, port);
    }

    private Duration duration(YamlMap h, String key, Duration defaultValue) {
        return h.get(key).flatMap(n -> values.positiveDuration(n, h.path(key))).orElse(defaultValue);
    }

    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** {@code 200-399}, {@code 204}, or a list of those. */
    private List<HealthCheck.StatusRange> statusRanges(Node node, String path) {
        List<HealthCheck.StatusRange> out = new ArrayList<>();
        List<Node> items = Values.oneOrMany(node);
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String itemPath = node instanceof SequenceNode ? YamlNodes.item(path, i) : path;
            values.string(item, itemPath).flatMap(s -> statusRange(item, itemPath, s)).ifPresent(out::add);
        }
        return out;
    }

    private Optional<HealthCheck.StatusRange> statusRange(Node node, String path, String text) {
        if (text.matches("[1-5]\\d\\d(-[1-5]\\d\\d)?")) {
            int from = Integer.parseInt(text.substring(0, 3));
            int to = text.length() > 3 ? Integer.parseInt(text.substring(4)) : from;
            if (from <= to) {
                return Optional.of(new HealthCheck.StatusRange(from, to));
            }
        }
        problems.at(node, path, "\"" + text + "\" is not a status or range (expected: like 200 or 200-399)");
        return Optional.empty();
    }

    /** {@code passive:} absent: the defaults; {@code passive: off}: none. */
    Optional<PassiveCheck> passive(YamlMap pool) {
        Optional<Node> node = pool.get("passive");
        if (node.isEmpty()) {
            return Optional.of(PassiveCheck.DEFAULT);
        }
        if (node.get() instanceof ScalarNode s && (s.getValue().equals("off") || s.getValue().equals("false"))) {
            return Optional.empty();
        }
        PassiveCheck d = PassiveCheck.DEFAULT;
        return YamlMap.fields(node.get(), pool.path("passive"), PASSIVE_KEYS, problems).map(p -> new PassiveCheck(
                p.get("failures").flatMap(n -> values.integer(n, p.path("failures"), 1, 1000)).orElse(d.failures()),
                p.get("statuses").map(n -> statuses(n, p.path("statuses"))).orElse(d.statuses()),
                duration(p, "eject", d.eject()),
                p.get("max_eject").flatMap(n -> values.percent(n, p.path("max_eject"))).orElse(d.maxEjectPercent())));
    }

    private Set<Integer> statuses(Node node, String path) {
        Set<Integer> out = new LinkedHashSet<>();
        List<Node> items = Values.oneOrMany(node);
        for (int i = 0; i < items.size(); i++) {
            String itemPath = node instanceof SequenceNode ? YamlNodes.item(path, i) : path;
            values.integer(items.get(i), itemPath, 100, 599).ifPresent(out::add);
        }
        return out;
    }
}
