package dev.gatehouse.config;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Expands {@code ${VAR}} and {@code ${VAR:-default}} from the environment in every scalar of a composed YAML tree,
 * keys included (a site named {@code ${DOMAIN}}), before any value is read: a port, a duration or a path may all
 * come from the environment, and what a variable holds is never read as YAML.
 *
 * <p>Only those two forms expand. {@code $${} is a literal {@code ${}; any other {@code $} (password hashes such
 * as {@code $2y$10$...}, rewrite groups {@code $1}, {@code ${1}}) stays as written. {@code ${VAR:-default}} takes
 * the default when the variable is unset or empty, as in POSIX shells. An unset variable without a default, or a
 * {@code ${NAME} that is neither form ({@code ${NAME:default}}, no closing brace), is reported at the column of its
 * {@code ${} and left as written. Replaced nodes keep their marks, so later errors still point into the file.
 *
 * <p>YAML's flow style ({@code { targets: [${APP}] }}) would read the braces of a reference as its own, so before
 * composing, {@link #shield} swaps the syntax characters inside each {@code ${...}} for private-use characters of
 * the same count, which every scalar turns back before expanding: positions stay exact.
 */
final class EnvExpansion {
    /** Characters YAML would take as syntax inside a reference, and their stand-ins (U+E000 onwards). */
    private static final String SHIELDED = "{}[],:#";
    private static final char STAND_IN = '\uE000';

    private final int[] text;
    private final Function<String, String> env;
    private final Problems problems;
    private final Map<Node, Boolean> seen = new IdentityHashMap<>();

    private EnvExpansion(String yaml, Function<String, String> env, Problems problems) {
        // Marks count code points, so positions are worked out on code points too.
        this.text = yaml.codePoints().toArray();
        this.env = env;
        this.problems = problems;
    }

    /**
     * Expands the tree in place (the root node's own value is returned, replaced when it is a scalar).
     *
     * @param yaml the file's text, to place errors at the exact column of a reference
     * @param env  the environment (null for unset)
     */
    static Node expand(Node root, String yaml, Function<String, String> env, Problems problems) {
        return new EnvExpansion(yaml, env, problems).node(root, "");
    }

    /**
     * The text to compose: in every {@code ${...}} on one line, the characters YAML would read as syntax are swapped
     * for stand-ins. A text that holds stand-ins of its own is returned as it is.
     */
    static String shield(String yaml) {
        for (int i = 0; i < SHIELDED.length(); i++) {
            if (yaml.indexOf(STAND_IN + i) >= 0) {
                return yaml;
            }
        }
        StringBuilder out = new StringBuilder(yaml);
        for (int start = yaml.indexOf("${"); start >= 0; start = yaml.indexOf("${", start + 1)) {
            int end = start + 2;
            // A quote or line end before the closing brace: no reference here, the quote or brace is YAML's.
            while (end < yaml.length() && "}\n\"'".indexOf(yaml.charAt(end)) < 0) {
                end++;
            }
            if (end < yaml.length() && yaml.charAt(end) == '}') {
                for (int i = start + 1; i <= end; i++) {
                    int k = SHIELDED.indexOf(yaml.charAt(i));
                    if (k >= 0) {
                        out.setCharAt(i, (char) (STAND_IN + k));
                    }
                }
            }
        }
        return out.toString();
    }

    private static String unshield(String value) {
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            int k = value.charAt(i) - STAND_IN;
            if (k >= 0 && k < SHIELDED.length()) {
                if (out == null) {
                    out = new StringBuilder(value);
                }
                out.setCharAt(i, SHIELDED.charAt(k));
            }
        }
        return out == null ? value : out.toString();
    }

    private Node node(Node node, String path) {
        if (node instanceof ScalarNode scalar) {
            return scalar(scalar, path);
        }
        // An alias is the same node met again: expanding it twice would expand what a variable held.
        if (seen.put(node, Boolean.TRUE) != null) {
            return node;
        }
        if (node instanceof MappingNode mapping) {
            List<NodeTuple> tuples = new ArrayList<>(mapping.getValue().size());
            for (NodeTuple tuple : mapping.getValue()) {
                Node key = node(tuple.getKeyNode(), path);
                String child = key instanceof ScalarNode s ? YamlNodes.child(path, s.getValue()) : path;
                tuples.add(new NodeTuple(key, node(tuple.getValueNode(), child)));
            }
            mapping.setValue(tuples);
        } else if (node instanceof SequenceNode sequence) {
            List<Node> items = sequence.getValue();
            for (int i = 0; i < items.size(); i++) {
                items.set(i, node(items.get(i), YamlNodes.item(path, i)));
            }
        }
        return node;
    }

    private Node scalar(ScalarNode scalar, String path) {
        String value = unshield(scalar.getValue());
        if (!value.contains("${")) {
            return value.equals(scalar.getValue()) ? scalar : copy(scalar, value);
        }
        return copy(scalar, expand(value, scalar, path));
    }

    private static ScalarNode copy(ScalarNode scalar, String value) {
        return new ScalarNode(scalar.getTag(), true, value, scalar.getScalarStyle(), scalar.getStartMark(),
                scalar.getEndMark());
    }

    private String expand(String value, ScalarNode scalar, String path) {
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '$' && value.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (c == '$' && value.startsWith("${", i) && i + 2 < value.length()
                    && isNameStart(value.charAt(i + 2))) {
                i = reference(value, i, out, scalar, path);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Appends what the reference at {@code start} stands for; returns the index after it. */
    private int reference(String value, int start, StringBuilder out, ScalarNode scalar, String path) {
        int nameEnd = start + 2;
        while (nameEnd < value.length() && isNamePart(value.charAt(nameEnd))) {
            nameEnd++;
        }
        String name = value.substring(start + 2, nameEnd);
        if (value.startsWith("}", nameEnd)) {
            String set = env.apply(name);
            if (set == null) {
                report(scalar, path, value, start, "environment variable " + name + " is not set",
                        "set it, or give a default: ${" + name + ":-default}");
                out.append(value, start, nameEnd + 1);
            } else {
                out.append(set);
            }
            return nameEnd + 1;
        }
        int close = value.indexOf('}', nameEnd);
        if (value.startsWith(":-", nameEnd) && close >= 0) {
            String set = env.apply(name);
            out.append(set == null || set.isEmpty() ? value.substring(nameEnd + 2, close) : set);
            return close + 1;
        }
        String written = close < 0 ? value.substring(start) : value.substring(start, close + 1);
        report(scalar, path, value, start, "\"" + written + "\" is not a variable reference",
                "${" + name + "} or ${" + name + ":-default}; $${ for a literal ${");
        out.append(written);
        return start + written.length();
    }

    private void report(ScalarNode scalar, String path, String value, int start, String message, String hint) {
        problems.at(position(scalar, value, start), (path.isEmpty() ? "" : path + ": ") + message, hint);
    }

    /**
     * The mark of the reference at {@code start} of the value: the same text is looked up in the scalar's source
     * (quotes, escapes and folded lines make value and source offsets differ), else the scalar's own start.
     */
    private Optional<Mark> position(ScalarNode scalar, String value, int start) {
        Optional<Mark> begin = scalar.getStartMark();
        Optional<Mark> end = scalar.getEndMark();
        if (begin.isEmpty() || end.isEmpty()) {
            return begin;
        }
        int nameEnd = start + 2;
        while (nameEnd < value.length() && isNamePart(value.charAt(nameEnd))) {
            nameEnd++;
        }
        String token = value.substring(start, nameEnd);
        int occurrence = 0;
        for (int at = value.indexOf(token); at >= 0 && at < start; at = value.indexOf(token, at + 1)) {
            occurrence++;
        }
        int from = begin.get().getIndex();
        int to = Math.min(end.get().getIndex(), text.length);
        int found = -1;
        for (int i = from; i + token.length() <= to && found < 0; i++) {
            if (matches(i, token) && occurrence-- == 0) {
                found = i;
            }
        }
        if (found < 0) {
            return begin;
        }
        int line = begin.get().getLine();
        int column = begin.get().getColumn();
        for (int i = from; i < found; i++) {
            if (text[i] == '\n') {
                line++;
                column = 0;
            } else {
                column++;
            }
        }
        return Optional.of(new Mark(begin.get().getName(), found, line, column, text, found));
    }

    private boolean matches(int at, String token) {
        for (int j = 0; j < token.length(); j++) {
            if (text[at + j] != token.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNameStart(char c) {
        return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || (c >= '0' && c <= '9');
    }
}
