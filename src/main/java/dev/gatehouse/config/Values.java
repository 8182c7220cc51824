package dev.gatehouse.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads typed scalar values from nodes. Each method reports a bad value (at the value's position) and
 * returns empty, so the caller falls back to a default and reading goes on to find the next error.
 */
final class Values {
    private final Problems problems;

    Values(Problems problems) {
        this.problems = problems;
    }

    Problems problems() {
        return problems;
    }

    /** {@code true} or {@code false}. */
    Optional<Boolean> bool(Node node, String path) {
        return string(node, path).flatMap(text -> {
            if (text.equals("true") || text.equals("false")) {
                return Optional.of(Boolean.parseBoolean(text));
            }
            problems.at(node, path, "\"" + text + "\" is not true or false");
            return Optional.empty();
        });
    }

    /** A non-null scalar's text (numbers and booleans included, as written). */
    Optional<String> string(Node node, String path) {
        if (node instanceof ScalarNode s && !YamlNodes.isNull(node)) {
            return Optional.of(s.getValue());
        }
        problems.at(node, path, "expected a string, got " + YamlNodes.describe(node));
        return Optional.empty();
    }

    /** The string under {@code key}, when present. */
    Optional<String> string(YamlMap map, String key) {
        return map.get(key).flatMap(n -> string(n, map.path(key)));
    }

    /** A string with placeholders ({@link Template}); an unknown placeholder is reported at its own column. */
    Optional<Template> template(Node node, String path) {
        return string(node, path).flatMap(text -> {
            try {
                return Optional.of(Template.parse(text));
            } catch (Template.Invalid e) {
                problems.atOffset(node, e.offset, path, e.getMessage());
                return Optional.empty();
            }
        });
    }

    /** An absolute http or https URL with a host; {@code example} is shown in the message when it is not one. */
    Optional<URI> httpUrl(Node node, String path, String example) {
        return string(node, path).flatMap(url -> {
            try {
                URI uri = new URI(url);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                    return Optional.of(uri);
                }
            } catch (URISyntaxException e) {
                // Reported below, the same way as a URL with the wrong scheme.
            }
            problems.at(node, path, "\"" + url + "\" is not an http(s) URL (expected: like " + example + ")");
            return Optional.empty();
        });
    }

    /** A whole number in {@code min..max}. */
    Optional<Integer> integer(Node node, String path, int min, int max) {
        return integer(node, path, min, max, null);
    }

    /** A whole number in {@code min..max}, with a hint (may be null) for values out of range. */
    Optional<Integer> integer(Node node, String path, int min, int max, String hint) {
        return string(node, path).flatMap(text -> {
            String range = "(expected: " + min + ".." + max + ")";
            if (!text.matches("[-+]?\\d{1,10}")) {
                problems.at(node, path, "\"" + text + "\" is not a whole number " + range, hint);
                return Optional.empty();
            }
            long value = Long.parseLong(text);
            if (value < min || value > max) {
                problems.at(node, path, value + " is out of range " + range, hint);
                return Optional.empty();
            }
            return Optional.of((int) value);
        });
    }

    /** A duration like {@code 10s}; see {@link Durations}. */
    Optional<Duration> duration(Node node, String path) {
        return string(node, path).flatMap(text -> parsed(node, path, text, Durations::parse));
    }

    /** A duration above zero. */
    Optional<Duration> positiveDuration(Node node, String path) {
        return duration(node, path).filter(d -> {
            if (!d.isZero()) {
                return true;
            }
            problems.at(node, path, "0 is too short (expected: more than 0, like 10s)");
            return false;
        });
    }

    /** A size like {@code 8kb}; see {@link Sizes}. */
    Optional<Long> size(Node node, String path) {
        return string(node, path).flatMap(text -> parsed(node, path, text, Sizes::parse));
    }

    /** {@code 20%} (or a bare {@code 20}), 0..100. */
    Optional<Integer> percent(Node node, String path) {
        return string(node, path).flatMap(text -> {
            String digits = text.endsWith("%") ? text.substring(0, text.length() - 1) : text;
            if (!digits.matches("\\d{1,3}") || Integer.parseInt(digits) > 100) {
                problems.at(node, path, "\"" + text + "\" is not a percentage (expected: 0% to 100%, like 20%)");
                return Optional.empty();
            }
            return Optional.of(Integer.parseInt(digits));
        });
    }

    /** Address ranges, written as a list or as one string. */
    List<Cidr> cidrs(Node node, String path) {
        List<Cidr> out = new ArrayList<>();
        List<Node> items = oneOrMany(node);
        for (int i = 0; i < items.size(); i++) {
            String itemPath = node instanceof SequenceNode ? YamlNodes.item(path, i) : path;
            Node item = items.get(i);
            string(item, itemPath).flatMap(text -> parsed(item, itemPath, text, Cidr::parse)).ifPresent(out::add);
        }
        return out;
    }

    /** Runs a parser that throws {@link IllegalArgumentException} with a message, reporting it at the node. */
    <T> Optional<T> parsed(Node node, String path, String text, Function<String, T> parser) {
        try {
            return Optional.of(parser.apply(text));
        } catch (IllegalArgumentException e) {
            problems.at(node, path, e.getMessage());
            return Optional.empty();
        }
    }

    /** The items of a list, or the node itself: lets users write {@code method: GET} for {@code [GET]}. */
    static List<Node> oneOrMany(Node node) {
        if (node instanceof SequenceNode seq) {
            return seq.getValue();
        }
        return YamlNodes.isNull(node) ? List.of() : List.of(node);
    }
}
