package dev.gatehouse.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Reads {@code upstreams:}: named pools of weighted {@code host:port} targets, and their health checks. */
final class UpstreamReader {
    private static final List<String> UPSTREAM_KEYS = List.of("targets", "health");
    private static final List<String> TARGET_KEYS = List.of("address", "weight");
    private static final List<String> HEALTH_KEYS = List.of("path", "interval", "timeout", "healthy", "unhealthy",
            "status");

    private final Values values;
    private final Problems problems;

    UpstreamReader(Values values) {
        this.values = values;
        this.problems = values.problems();
    }

    /**
     * Upstreams by name, in file order. A pool with errors is still returned (possibly without targets), so
     * that references to it do not also report "unknown upstream".
     */
    Map<String, Upstream> read(YamlMap root) {
        Map<String, Upstream> out = new LinkedHashMap<>();
        root.get("upstreams")
                .flatMap(n -> YamlMap.names(n, "upstreams", "upstream", UnaryOperator.identity(), problems))
                .ifPresent(upstreams -> upstreams.entries().forEach(e -> {
                    if (!e.key().matches("[A-Za-z0-9_.-]+")) {
                        problems.at(e.keyNode(), "upstreams", "\"" + e.key() + "\" is not an upstream name "
                                + "(expected: letters, digits, and . _ -)");
                    }
                    out.put(e.key(), upstream(e, upstreams.path(e.key())));
                }));
        return out;
    }

    private Upstream upstream(YamlMap.Entry entry, String path) {
        YamlMap m = YamlMap.fields(entry.value(), path, UPSTREAM_KEYS, problems).orElse(YamlMap.empty(path));
        m.get("health").flatMap(n -> YamlMap.fields(n, m.path("health"), HEALTH_KEYS, problems))
                .ifPresent(this::checkHealth);
        Optional<Node> targets = m.get("targets");
        if (targets.isEmpty() || Values.oneOrMany(targets.get()).isEmpty()) {
            problems.at(targets.orElse(entry.keyNode()), path, "no targets (expected: targets: [host:port, ...])");
            return new Upstream(entry.key(), List.of());
        }
        List<Target> out = new ArrayList<>();
        List<Node> items = Values.oneOrMany(targets.get());
        for (int i = 0; i < items.size(); i++) {
            String itemPath = targets.get() instanceof SequenceNode
                    ? YamlNodes.item(m.path("targets"), i) : m.path("targets");
            target(items.get(i), itemPath).ifPresent(out::add);
        }
        return new Upstream(entry.key(), out);
    }

    /** {@code host:port}, or {@code { address: host:port, weight: 0..1000 }}. */
    private Optional<Target> target(Node node, String path) {
        if (node instanceof ScalarNode) {
            return address(node, path).map(a -> new Target(a.host(), a.port(), Target.DEFAULT_WEIGHT));
        }
        return YamlMap.fields(node, path, TARGET_KEYS, problems).flatMap(m -> {
            int weight = m.get("weight").flatMap(n -> values.integer(n, m.path("weight"), 0, Target.MAX_WEIGHT))
                    .orElse(Target.DEFAULT_WEIGHT);
            Optional<Node> address = m.get("address");
            if (address.isEmpty()) {
                problems.at(node, path, "missing key \"address\" (expected: host:port)");
            }
            return address.flatMap(n -> address(n, m.path("address")))
                    .map(a -> new Target(a.host(), a.port(), weight));
        });
    }

    private Optional<HostPort> address(Node node, String path) {
        return values.string(node, path).flatMap(text -> values.parsed(node, path, text, HostPort::parse));
    }

    /** Not in the model yet; checked loosely so typos are caught before health checks read it. */
    private void checkHealth(YamlMap health) {
        values.string(health, "path").filter(p -> !p.startsWith("/")).ifPresent(p ->
                problems.at(health.get("path").orElseThrow(), health.path("path"),
                        "\"" + p + "\" does not start with / (expected: like /health)"));
        for (String key : List.of("interval", "timeout")) {
            health.get(key).ifPresent(n -> values.duration(n, health.path(key)));
        }
        for (String key : List.of("healthy", "unhealthy")) {
            health.get(key).ifPresent(n -> values.integer(n, health.path(key), 1, 100));
        }
        health.get("status").ifPresent(n -> values.string(n, health.path("status"))
                .filter(s -> !s.matches("[1-5]\\d\\d(-[1-5]\\d\\d)?"))
                .ifPresent(s -> problems.at(n, health.path("status"), "\"" + s + "\" is not a status or "
                        + "range (expected: like 200 or 200-399)")));
    }
}
