package dev.gatehouse.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * A YAML mapping read with positions kept: unknown and duplicate keys are reported as they are met.
 * The composer does not reject duplicate keys (only the constructor we bypass does), so this class must.
 */
final class YamlMap {
    /** One key and its value, with the key's node for positions. */
    record Entry(String key, Node keyNode, Node value) {
    }

    private final String path;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private boolean hadUnknownKeys;

    private YamlMap(String path) {
        this.path = path;
    }

    /** A map with no entries, standing in for a section that was absent or not a map. */
    static YamlMap empty(String path) {
        return new YamlMap(path);
    }

    /**
     * A map with a fixed set of keys, e.g. {@code listen}. Unknown keys are reported with the closest valid
     * key as a hint. A null node (the section written with nothing after it) reads as an empty map.
     *
     * @return empty, after reporting it, when the node is not a map
     */
    static Optional<YamlMap> fields(Node node, String path, Collection<String> keys, Problems problems) {
        Optional<YamlMap> map = read(node, path, "key", UnaryOperator.identity(), problems);
        map.ifPresent(m -> m.entries.values().removeIf(e -> {
            if (keys.contains(e.key())) {
                return false;
            }
            m.hadUnknownKeys = true;
            problems.at(e.keyNode(), path, "unknown key \"" + e.key() + "\"", KeyHints.hint(e.key(), keys, "valid keys"));
            return true;
        }));
        return map;
    }

    /**
     * A map of names the user chooses, e.g. {@code sites} or {@code upstreams}. Names equal after
     * {@code normalize} are duplicates, reported as "duplicate {noun}".
     *
     * @return empty, after reporting it, when the node is not a map
     */
    static Optional<YamlMap> names(Node node, String path, String noun, UnaryOperator<String> normalize,
                                   Problems problems) {
        return read(node, path, noun, normalize, problems);
    }

    private static Optional<YamlMap> read(Node node, String path, String noun, UnaryOperator<String> normalize,
                                          Problems problems) {
        YamlMap map = new YamlMap(path);
        if (YamlNodes.isNull(node)) {
            return Optional.of(map);
        }
        if (!(node instanceof MappingNode mapping)) {
            problems.at(node, path, "expected a map, got " + YamlNodes.describe(node));
            return Optional.empty();
        }
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalar) || YamlNodes.isNull(keyNode)) {
                problems.at(keyNode, path, "expected a name as key, got " + YamlNodes.describe(keyNode));
                continue;
            }
            String key = scalar.getValue();
            Entry first = map.entries.putIfAbsent(normalize.apply(key), new Entry(key, keyNode, tuple.getValueNode()));
            if (first != null) {
                problems.at(keyNode, path, "duplicate " + noun + " \"" + key + "\"",
                        "first given at line " + YamlNodes.line(first.keyNode()));
            }
        }
        return Optional.of(map);
    }

    /** The value under {@code key} (as normalized for name maps). */
    Optional<Node> get(String key) {
        return entry(key).map(Entry::value);
    }

    Optional<Entry> entry(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /**
     * Reports that two keys which exclude each other are both given, at whichever comes second in the
     * file: that is usually the line the user added last.
     */
    void conflict(Entry a, Entry b, String expected, Problems problems) {
        boolean aFirst = entries().indexOf(a) < entries().indexOf(b);
        Entry first = aFirst ? a : b;
        Entry second = aFirst ? b : a;
        problems.at(second.keyNode(), path, "both \"" + first.key() + "\" and \"" + second.key() + "\" given (expected: "
                + expected + ")");
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    /** Entries in file order, duplicates and unknown keys left out. */
    List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** Whether unknown keys were reported (and left out): what is "missing" may just be misspelt. */
    boolean hadUnknownKeys() {
        return hadUnknownKeys;
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The message path of the value under {@code key}. */
    String path(String key) {
        return YamlNodes.child(path, key);
    }

    String path() {
        return path;
    }
}
