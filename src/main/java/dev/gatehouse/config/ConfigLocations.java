package dev.gatehouse.config;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where the parts of a config are written, and how: line numbers and the text of sites, routes, their conditions and
 * stage keys as the file spells them ({@code path: /api/*}, not the parsed value). For {@code gatehouse explain},
 * which shows a request's way through the config in the config's own words. The model records hold no positions (a
 * route moved down a line is the same route to a reload), so this reads the file's YAML tree again.
 */
public final class ConfigLocations {
    /** The keys of a route that are conditions, in the order {@link RouteMatch} checks them. */
    private static final List<String> CONDITIONS = List.of("path", "method", "methods", "headers", "query", "source");
    /** Longest text shown for one key; longer values are cut with an ellipsis. */
    private static final int MAX_TEXT = 160;

    /**
     * One key (or list item) of the file.
     *
     * @param file the config file
     * @param line 1-based
     * @param text the key and its value as written, on one line ({@code path: /api/*}, {@code hsts: { max_age: 1d }})
     */
    public record Location(Path file, int line, String text) {
        /** {@code FILE:LINE}. */
        public String at() {
            return file + ":" + line;
        }
    }

    private final Path file;
    private final int[] codePoints;
    private final Optional<MappingNode> root;

    private ConfigLocations(Path file, String text, Optional<MappingNode> root) {
        this.file = file;
        this.codePoints = text.codePoints().toArray();
        this.root = root;
    }

    /** The locations in {@code file}; none at all when it cannot be read or parsed (they are a help, not a need). */
    public static ConfigLocations read(Path file) {
        try {
            return of(Files.readString(file), file);
        } catch (IOException e) {
            return new ConfigLocations(file, "", Optional.empty());
        }
    }

    /** The locations in YAML {@code text} read from {@code file}. */
    public static ConfigLocations of(String text, Path file) {
        Optional<MappingNode> root;
        try {
            root = new Compose(LoadSettings.builder().setLabel(file.toString()).build()).composeString(text)
                    .filter(MappingNode.class::isInstance).map(MappingNode.class::cast);
        } catch (YamlEngineException e) {
            root = Optional.empty();
        }
        return new ConfigLocations(file, text, root);
    }

    /** The site's name in {@code sites:}, with its whole definition as text. */
    public Optional<Location> site(String host) {
        return siteEntry(host).map(this::location);
    }

    /**
     * A route of a site: the list item of {@code routes:}, or the site itself for a site written with one action (its
     * one route, index 0).
     */
    public Optional<Location> route(String host, int index) {
        Optional<NodeTuple> site = siteEntry(host);
        Optional<Node> routes = site.flatMap(s -> value(s.getValueNode(), "routes"));
        if (routes.isEmpty()) {
            return index == 0 ? site.map(this::location) : Optional.empty();
        }
        return item(routes.get(), index).map(n -> new Location(file, line(n), "- " + text(n)));
    }

    /** The conditions of a route as written ({@code path: /api/*}, {@code methods: [GET]}), in the order checked. */
    public List<Location> conditions(String host, int index) {
        Optional<Node> route = routeNode(host, index);
        List<Location> out = new ArrayList<>();
        if (route.isPresent() && route.get() instanceof MappingNode m) {
            for (String key : CONDITIONS) {
                entry(m, key).ifPresent(e -> out.add(location(e)));
            }
        }
        return out;
    }

    /**
     * A stage key ({@code http}, {@code hsts}, ...) written at a site, or at one of its routes when {@code route} is
     * given.
     */
    public Optional<Location> stageKey(String host, OptionalInt route, String key) {
        Optional<Node> where = route.isPresent() ? routeNode(host, route.getAsInt())
                : siteEntry(host).map(NodeTuple::getValueNode);
        return where.filter(MappingNode.class::isInstance).flatMap(n -> entry((MappingNode) n, key))
                .map(this::location);
    }

    /** The action key of a route ({@code upstream: api}, {@code files: ./public} ...), as written. */
    public Optional<Location> action(String host, int index) {
        Optional<Node> route = routeNode(host, index);
        if (route.isEmpty() || !(route.get() instanceof MappingNode m)) {
            return Optional.empty();
        }
        for (String key : ActionReader.ACTION_KEYS) {
            Optional<NodeTuple> e = entry(m, key);
            if (e.isPresent()) {
                return e.map(this::location);
            }
        }
        return Optional.empty();
    }

    /** A pool's name in {@code upstreams:}. */
    public Optional<Location> upstream(String name) {
        return root.flatMap(r -> value(r, "upstreams")).filter(MappingNode.class::isInstance)
                .flatMap(n -> entry((MappingNode) n, name)).map(t -> new Location(file, line(t.getKeyNode()),
                        text(t.getKeyNode()) + ":"));
    }

    /** A top-level key ({@code default_site}, {@code listen} ...). */
    public Optional<Location> topLevel(String key) {
        return root.flatMap(r -> entry(r, key)).map(this::location);
    }

    /** The node of a route: the list item, or the site's own map for a site with one action. */
    private Optional<Node> routeNode(String host, int index) {
        Optional<NodeTuple> site = siteEntry(host);
        Optional<Node> routes = site.flatMap(s -> value(s.getValueNode(), "routes"));
        if (routes.isEmpty()) {
            return index == 0 ? site.map(NodeTuple::getValueNode) : Optional.empty();
        }
        return item(routes.get(), index);
    }

    private Optional<NodeTuple> siteEntry(String host) {
        String wanted = host.toLowerCase(Locale.ROOT);
        return root.flatMap(r -> value(r, "sites")).filter(MappingNode.class::isInstance).flatMap(sites -> {
            for (NodeTuple t : ((MappingNode) sites).getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().toLowerCase(Locale.ROOT).equals(wanted)) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        });
    }

    private static Optional<Node> value(Node map, String key) {
        return map instanceof MappingNode m ? entry(m, key).map(NodeTuple::getValueNode) : Optional.empty();
    }

    private static Optional<NodeTuple> entry(MappingNode map, String key) {
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private static Optional<Node> item(Node list, int index) {
        return list instanceof SequenceNode s && index >= 0 && index < s.getValue().size()
                ? Optional.of(s.getValue().get(index)) : Optional.empty();
    }

    private Location location(NodeTuple entry) {
        return new Location(file, line(entry.getKeyNode()), text(entry.getKeyNode()) + ": " + text(entry.getValueNode()));
    }

    private static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(1);
    }

    /** A node as written, on one line: scalars with their quotes, lists and maps in flow style. */
    private String text(Node node) {
        StringBuilder out = new StringBuilder();
        write(node, out);
        return out.length() > MAX_TEXT ? out.substring(0, MAX_TEXT - 1) + "…" : out.toString();
    }

    private void write(Node node, StringBuilder out) {
        if (out.length() > MAX_TEXT) {
            return;
        }
        if (node instanceof ScalarNode s) {
            out.append(scalar(s));
        } else if (node instanceof SequenceNode seq) {
            out.append('[');
            for (int i = 0; i < seq.getValue().size(); i++) {
                out.append(i == 0 ? "" : ", ");
                write(seq.getValue().get(i), out);
            }
            out.append(']');
        } else if (node instanceof MappingNode m) {
            out.append(m.getValue().isEmpty() ? "{" : "{ ");
            for (int i = 0; i < m.getValue().size(); i++) {
                NodeTuple t = m.getValue().get(i);
                out.append(i == 0 ? "" : ", ");
                write(t.getKeyNode(), out);
                out.append(": ");
                write(t.getValueNode(), out);
            }
            out.append(m.getValue().isEmpty() ? "}" : " }");
        }
    }

    /** A quoted scalar keeps its quotes and escapes as in the file; a block scalar shows its value. */
    private String scalar(ScalarNode s) {
        ScalarStyle style = s.getScalarStyle();
        if ((style == ScalarStyle.SINGLE_QUOTED || style == ScalarStyle.DOUBLE_QUOTED)
                && s.getStartMark().isPresent() && s.getEndMark().isPresent()) {
            int start = s.getStartMark().get().getIndex();
            int end = s.getEndMark().get().getIndex();
            if (start >= 0 && end <= codePoints.length && start < end) {
                return new String(codePoints, start, end - start).replace("\n", " ");
            }
        }
        return s.getValue().replace("\n", "\\n");
    }
}
