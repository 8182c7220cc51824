package dev.gatehouse.config;

import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Small questions about composed YAML nodes, and the dotted paths used in messages. */
final class YamlNodes {
    private YamlNodes() {
    }

    /**
     * Whether the node is an explicit or implied null ({@code key:} with nothing after it). Checked on the
     * text, not the resolved tag, so the answer does not depend on which YAML schema resolved it.
     */
    static boolean isNull(Node node) {
        if (node instanceof ScalarNode s && s.isPlain()) {
            String v = s.getValue();
            return v.isEmpty() || v.equals("~") || v.equals("null") || v.equals("Null") || v.equals("NULL");
        }
        return false;
    }

    /** How the node reads to a user, for "expected X, got Y" messages. */
    static String describe(Node node) {
        if (isNull(node)) {
            return "nothing";
        }
        if (node instanceof MappingNode) {
            return "a map";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "\"" + ((ScalarNode) node).getValue() + "\"";
    }

    /** {@code parent.key}, quoting keys with dots so {@code sites."api.example.com"} stays readable. */
    static String child(String parent, String key) {
        String k = key.matches("[A-Za-z0-9_-]+") ? key : "\"" + key + "\"";
        return parent.isEmpty() ? k : parent + "." + k;
    }

    /** {@code parent[index]}. */
    static String item(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** 1-based line of the node, for "first given at line N" hints. */
    static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(1);
    }
}
