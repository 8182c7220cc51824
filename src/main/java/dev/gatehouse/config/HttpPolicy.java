package dev.gatehouse.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * What a site (or one of its routes) does with plain-HTTP requests once the site is also served over HTTPS. Written
 * {@code http: redirect | https-only | allow}; a route's {@code http} replaces its site's, e.g. to keep a health
 * check reachable over plain HTTP.
 */
public enum HttpPolicy implements StageConfig {
    /** 308 to the same URL on https (default). */
    REDIRECT("redirect"),
    /** 403 on plain HTTP, as a CDN's HTTPS-only viewer policy does. */
    HTTPS_ONLY("https-only"),
    /** Serve plain HTTP as well. */
    ALLOW("allow");

    private static final List<String> NAMES = Arrays.stream(values()).map(HttpPolicy::configName).toList();

    private final String configName;

    HttpPolicy(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    static Optional<HttpPolicy> read(Node node, String path, StageKeys.Reading in) {
        return in.values().string(node, path).flatMap(text -> {
            for (HttpPolicy p : values()) {
                if (p.configName.equals(text)) {
                    return Optional.of(p);
                }
            }
            in.problems().at(node, path, "unknown policy \"" + text + "\" (expected: " + String.join(", ", NAMES)
                    + ")", KeyHints.closest(text, NAMES).map(c -> "did you mean \"" + c + "\"?").orElse(null));
            return Optional.empty();
        });
    }
}
