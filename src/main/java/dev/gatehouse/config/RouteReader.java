package dev.gatehouse.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Reads a site's {@code routes:} list: each route's match conditions and its one action. */
final class RouteReader {
    private static final List<String> ROUTE_KEYS = Stream.concat(
            Stream.of("path", "method", "methods", "headers", "query", "source"),
            Stream.concat(ActionReader.ACTION_KEYS.stream(), StageKeys.names(StageKeys.Level.SITE_AND_ROUTE).stream()))
            .toList();

    private final Values values;
    private final Problems problems;
    private final ActionReader actions;
    private final StageKeys.Reading stageReading;

    RouteReader(Values values, ActionReader actions, Path baseDir) {
        this.values = values;
        this.problems = values.problems();
        this.actions = actions;
        this.stageReading = new StageKeys.Reading(values, baseDir);
    }

    List<Route> read(Node node, String path) {
        if (!(node instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
            problems.at(node, path, "expected a list of routes, got " + (node instanceof SequenceNode
                    ? "an empty list" : YamlNodes.describe(node)) + " (like - { path: /api/*, upstream: api })");
            return List.of();
        }
        List<Route> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            route(seq.getValue().get(i), YamlNodes.item(path, i)).ifPresent(out::add);
        }
        return out;
    }

    private Optional<Route> route(Node node, String path) {
        Optional<YamlMap> map = YamlMap.fields(node, path, ROUTE_KEYS, problems);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        RouteMatch match = new RouteMatch(path(m), methods(m),
                valueMatches(m, "headers", "header", h -> h.toLowerCase(Locale.ROOT)),
                valueMatches(m, "query", "query parameter", UnaryOperator.identity()),
                m.get("source").map(n -> values.cidrs(n, m.path("source"))).orElse(List.of()));
        Map<String, StageConfig> stages = StageKeys.read(m, StageKeys.Level.SITE_AND_ROUTE, stageReading);
        return actions.single(m, node, "").map(action -> new Route(match, action, stages));
    }

    private Optional<String> path(YamlMap m) {
        return values.string(m, "path").filter(p -> {
            if (p.startsWith("/")) {
                return true;
            }
            problems.at(m.get("path").orElseThrow(), m.path("path"), "\"" + p + "\" does not start with / "
                    + "(expected: like /api/*)", "write \"/" + p + "\"");
            return false;
        });
    }

    /** {@code methods: [GET, POST]} or {@code method: GET} (not both), upper-cased. */
    private Set<String> methods(YamlMap m) {
        if (m.has("method") && m.has("methods")) {
            m.conflict(m.entry("method").orElseThrow(), m.entry("methods").orElseThrow(), "one of them", problems);
        }
        String key = m.has("methods") ? "methods" : "method";
        Set<String> out = new LinkedHashSet<>();
        m.get(key).ifPresent(node -> {
            List<Node> items = Values.oneOrMany(node);
            for (int i = 0; i < items.size(); i++) {
                String itemPath = node instanceof SequenceNode ? YamlNodes.item(m.path(key), i) : m.path(key);
                Node item = items.get(i);
                values.string(item, itemPath).ifPresent(method -> {
                    actions.checkToken(method, item, itemPath, "method");
                    out.add(method.toUpperCase(Locale.ROOT));
                });
            }
        });
        return out;
    }

    /** {@code name: value}: {@code "*"} means present, {@code "~regex"} a full regex match, else exact. */
    private List<ValueMatch> valueMatches(YamlMap m, String key, String noun, UnaryOperator<String> normalize) {
        List<ValueMatch> out = new ArrayList<>();
        m.get(key).flatMap(n -> YamlMap.names(n, m.path(key), noun, normalize, problems)).ifPresent(map -> {
            for (YamlMap.Entry e : map.entries()) {
                if (key.equals("headers")) {
                    actions.checkToken(e.key(), e.keyNode(), map.path(), "header name");
                }
                values.string(e.value(), map.path(e.key()))
                        .flatMap(v -> valueMatch(e.key(), v, e.value(), map.path(e.key())))
                        .ifPresent(out::add);
            }
        });
        return out;
    }

    private Optional<ValueMatch> valueMatch(String name, String value, Node node, String path) {
        if (value.equals("*")) {
            return Optional.of(new ValueMatch(name, Optional.empty(), false));
        }
        if (!value.startsWith("~")) {
            return Optional.of(new ValueMatch(name, Optional.of(value), false));
        }
        String regex = value.substring(1);
        try {
            Pattern.compile(regex);
            return Optional.of(new ValueMatch(name, Optional.of(regex), true));
        } catch (PatternSyntaxException e) {
            problems.at(node, path, "\"" + value + "\" is not a valid regular expression: " + e.getDescription()
                    + " (expected: ~ followed by a Java regex)");
            return Optional.empty();
        }
    }
}
