package dev.gatehouse.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/** Reads the one action of a site or route: {@code upstream}, {@code redirect}, {@code respond} or {@code files}. */
final class ActionReader {
    static final List<String> ACTION_KEYS = List.of("upstream", "redirect", "respond", "files");
    private static final List<String> REDIRECT_KEYS = List.of("to", "status");
    private static final List<String> RESPOND_KEYS = List.of("status", "body", "headers");
    private static final List<String> FILES_KEYS = List.of("root", "index");
    private static final Set<Integer> REDIRECT_STATUSES = Set.of(301, 302, 303, 307, 308);
    /** RFC 9110 section 5.6.2 token characters: header names and methods. */
    static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";

    private final Values values;
    private final Problems problems;
    private final ConfigValidator validator;
    private final Path baseDir;

    ActionReader(Values values, ConfigValidator validator, Path baseDir) {
        this.values = values;
        this.problems = values.problems();
        this.validator = validator;
        this.baseDir = baseDir;
    }

    /** The action keys present in {@code m}, in file order. */
    List<YamlMap.Entry> entries(YamlMap m) {
        return m.entries().stream().filter(e -> ACTION_KEYS.contains(e.key())).toList();
    }

    /**
     * The single action in {@code m}; zero or several are reported ({@code anchor} positions "no action",
     * {@code alternatives} extends the expected list, e.g. {@code ", or routes"}).
     */
    Optional<Action> single(YamlMap m, Node anchor, String alternatives) {
        List<YamlMap.Entry> found = entries(m);
        if (found.isEmpty()) {
            if (m.hadUnknownKeys()) {
                // The action is most likely the misspelt key already reported; one error, not two.
                return Optional.empty();
            }
            problems.at(anchor, m.path(), "no action (expected: one of " + String.join(", ", ACTION_KEYS)
                    + alternatives + ")");
            return Optional.empty();
        }
        for (YamlMap.Entry extra : found.subList(1, found.size())) {
            problems.at(extra.keyNode(), m.path(), "both \"" + found.get(0).key() + "\" and \"" + extra.key()
                    + "\" given (expected: exactly one action)");
        }
        YamlMap.Entry action = found.get(0);
        String path = m.path(action.key());
        return switch (action.key()) {
            case "upstream" -> proxy(action.value(), path);
            case "redirect" -> redirect(action.value(), path);
            case "respond" -> respond(action.value(), path);
            default -> files(action.value(), path);
        };
    }

    private Optional<Action> proxy(Node node, String path) {
        return values.string(node, path).map(name -> {
            validator.referToUpstream(name, node, path);
            return new Action.Proxy(name);
        });
    }

    private Optional<Action> redirect(Node node, String path) {
        if (node instanceof ScalarNode) {
            return redirectTarget(node, path).map(to -> new Action.Redirect(Action.Redirect.DEFAULT_STATUS, to));
        }
        return YamlMap.fields(node, path, REDIRECT_KEYS, problems).flatMap(m -> {
            int status = m.get("status").flatMap(n -> redirectStatus(n, m.path("status")))
                    .orElse(Action.Redirect.DEFAULT_STATUS);
            return required(m, "to", node, "the URL to redirect to")
                    .flatMap(n -> redirectTarget(n, m.path("to")))
                    .map(to -> new Action.Redirect(status, to));
        });
    }

    /** An absolute URL or a path; a bare host name would silently become a relative redirect. */
    private Optional<String> redirectTarget(Node node, String path) {
        return values.string(node, path).filter(to -> {
            if (values.template(node, path).isEmpty()) {
                return false; // an unknown placeholder, reported at its column
            }
            if (to.matches("(?i)(https?://|/|\\{).*")) {
                return true;
            }
            problems.at(node, path, "\"" + to + "\" is not a redirect target (expected: an absolute URL like "
                    + "https://example.com{uri}, or a path starting with /)");
            return false;
        });
    }

    private Optional<Integer> redirectStatus(Node node, String path) {
        return values.integer(node, path, 100, 599).filter(s -> {
            if (REDIRECT_STATUSES.contains(s)) {
                return true;
            }
            problems.at(node, path, s + " is not a redirect status (expected: 301, 302, 303, 307 or 308)");
            return false;
        });
    }

    private Optional<Action> respond(Node node, String path) {
        if (node instanceof ScalarNode) {
            return values.integer(node, path, 200, 599).map(s -> new Action.Respond(s, "", Map.of()));
        }
        return YamlMap.fields(node, path, RESPOND_KEYS, problems).map(m -> {
            int status = m.get("status").flatMap(n -> values.integer(n, m.path("status"), 200, 599)).orElse(200);
            String body = values.string(m, "body").orElse("");
            return new Action.Respond(status, body, headers(m));
        });
    }

    private Map<String, String> headers(YamlMap respond) {
        Map<String, String> out = new LinkedHashMap<>();
        respond.get("headers")
                .flatMap(n -> YamlMap.names(n, respond.path("headers"), "header", h -> h.toLowerCase(Locale.ROOT),
                        problems))
                .ifPresent(headers -> headers.entries().forEach(h -> {
                    checkToken(h.key(), h.keyNode(), headers.path(), "header name");
                    values.string(h.value(), headers.path(h.key())).ifPresent(v -> out.put(h.key(), v));
                }));
        return out;
    }

    private Optional<Action> files(Node node, String path) {
        if (node instanceof ScalarNode) {
            return values.string(node, path).flatMap(root -> resolve(node, path, root))
                    .map(root -> new Action.Files(root, Action.Files.DEFAULT_INDEX));
        }
        return YamlMap.fields(node, path, FILES_KEYS, problems).flatMap(m -> {
            String index = values.string(m, "index").filter(i -> {
                if (!i.contains("/")) {
                    return true;
                }
                problems.at(m.get("index").orElseThrow(), m.path("index"),
                        "\"" + i + "\" is not a file name (expected: like index.html, without /)");
                return false;
            }).orElse(Action.Files.DEFAULT_INDEX);
            return required(m, "root", node, "the directory to serve")
                    .flatMap(n -> values.string(n, m.path("root")).flatMap(root -> resolve(n, m.path("root"), root)))
                    .map(root -> new Action.Files(root, index));
        });
    }

    /** Relative to the config file's directory, so the config means the same from any working directory. */
    private Optional<Path> resolve(Node node, String path, String root) {
        return values.parsed(node, path, root, r -> baseDir.resolve(r).toAbsolutePath().normalize());
    }

    private Optional<Node> required(YamlMap m, String key, Node mapNode, String what) {
        Optional<Node> node = m.get(key);
        if (node.isEmpty()) {
            problems.at(mapNode, m.path(), "missing key \"" + key + "\" (expected: " + what + ")");
        }
        return node;
    }

    /** Reports {@code text} unless it is an RFC 9110 token. */
    void checkToken(String text, Node node, String path, String what) {
        if (!text.matches(TOKEN)) {
            problems.at(node, path, "\"" + text + "\" is not a valid " + what
                    + " (expected: letters, digits and !#$%&'*+.^_`|~-)");
        }
    }
}
