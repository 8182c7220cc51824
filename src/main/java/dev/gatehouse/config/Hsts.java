package dev.gatehouse.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Strict-Transport-Security for a site, off unless asked for. Written {@code hsts: 365d} or
 * {@code hsts: { max_age: 365d, include_subdomains: true, preload: true }}; sent on HTTPS responses only
 * (RFC 6797 §7.2).
 */
public record Hsts(Duration maxAge, boolean includeSubdomains, boolean preload) implements StageConfig {
    private static final List<String> KEYS = List.of("max_age", "include_subdomains", "preload");

    /** The header value, e.g. {@code max-age=31536000; includeSubDomains; preload}. */
    public String headerValue() {
        return "max-age=" + maxAge.toSeconds() + (includeSubdomains ? "; includeSubDomains" : "")
                + (preload ? "; preload" : "");
    }

    static Optional<Hsts> read(Node node, String path, StageKeys.Reading in) {
        Values values = in.values();
        if (!(node instanceof MappingNode)) {
            return values.duration(node, path).map(d -> new Hsts(d, false, false));
        }
        return YamlMap.fields(node, path, KEYS, in.problems()).flatMap(h -> {
            Optional<Duration> maxAge = h.get("max_age").flatMap(n -> values.duration(n, h.path("max_age")));
            if (maxAge.isEmpty() && !h.has("max_age")) {
                in.problems().at(node, path, "no max_age (expected: like max_age: 365d)");
            }
            boolean subdomains = flag(h, "include_subdomains", values);
            boolean preload = flag(h, "preload", values);
            return maxAge.map(d -> new Hsts(d, subdomains, preload));
        });
    }

    private static boolean flag(YamlMap m, String key, Values values) {
        return m.get(key).flatMap(n -> values.bool(n, m.path(key))).orElse(false);
    }
}
