package dev.gatehouse.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/** Reads {@code sites:}: host names, HTTP policy, HSTS, and either one action or a list of routes. */
final class SiteReader {
    private static final List<String> SITE_KEYS = Stream.concat(ActionReader.ACTION_KEYS.stream(),
            Stream.of("routes", "http", "hsts", "tls")).toList();
    private static final List<String> TLS_KEYS = List.of("cert", "key");
    private static final List<String> POLICIES =
            Arrays.stream(HttpPolicy.values()).map(HttpPolicy::configName).toList();
    /** DNS labels (RFC 1123), optionally after {@code *.}: a wildcard covers exactly one leftmost label. */
    private static final Pattern HOST =
            Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    private final Values values;
    private final Problems problems;
    private final ActionReader actions;
    private final RouteReader routes;

    SiteReader(Values values, ConfigValidator validator, Path baseDir) {
        this.values = values;
        this.problems = values.problems();
        this.actions = new ActionReader(values, validator, baseDir);
        this.routes = new RouteReader(values, actions);
    }

    /** Sites keyed by lower-cased host, in file order. */
    Map<String, Site> read(YamlMap root, MappingNode rootNode) {
        Optional<YamlMap.Entry> entry = root.entry("sites");
        if (entry.isEmpty()) {
            problems.at(rootNode, "", "no sites: map (expected: sites: with at least one host name, like "
                    + "example.com: { upstream: app })");
            return Map.of();
        }
        Node value = entry.get().value();
        Optional<YamlMap> sites = YamlMap.names(value, "sites", "site", h -> h.toLowerCase(Locale.ROOT), problems);
        Map<String, Site> out = new LinkedHashMap<>();
        if (sites.isPresent() && sites.get().isEmpty()) {
            problems.at(YamlNodes.isNull(value) ? entry.get().keyNode() : value, "sites",
                    "no sites (expected: at least one host name, like example.com: { upstream: app })");
        }
        for (YamlMap.Entry site : sites.map(YamlMap::entries).orElse(List.of())) {
            String host = site.key().toLowerCase(Locale.ROOT);
            if (!HOST.matcher(host).matches()) {
                problems.at(site.keyNode(), "sites", "\"" + site.key() + "\" is not a host name (expected: like "
                        + "example.com, or *.example.com where * stands for exactly one label)");
            }
            out.put(host, site(host, site, YamlNodes.child("sites", host)));
        }
        return out;
    }

    private Site site(String host, YamlMap.Entry entry, String path) {
        Optional<YamlMap> map = YamlMap.fields(entry.value(), path, SITE_KEYS, problems);
        if (map.isEmpty()) {
            return new Site(host, HttpPolicy.REDIRECT, Optional.empty(), List.of());
        }
        YamlMap m = map.get();
        HttpPolicy http = values.string(m, "http").flatMap(p -> policy(m, p)).orElse(HttpPolicy.REDIRECT);
        Optional<Duration> hsts = m.get("hsts").flatMap(n -> values.duration(n, m.path("hsts")));
        m.get("tls").flatMap(n -> YamlMap.fields(n, m.path("tls"), TLS_KEYS, problems))
                .ifPresent(tls -> TLS_KEYS.forEach(k -> values.string(tls, k)));
        return new Site(host, http, hsts, routes(m, entry.keyNode()));
    }

    private Optional<HttpPolicy> policy(YamlMap m, String text) {
        for (HttpPolicy p : HttpPolicy.values()) {
            if (p.configName().equals(text)) {
                return Optional.of(p);
            }
        }
        problems.at(m.get("http").orElseThrow(), m.path("http"), "unknown policy \"" + text + "\" (expected: "
                + String.join(", ", POLICIES) + ")", KeyHints.closest(text, POLICIES)
                .map(c -> "did you mean \"" + c + "\"?").orElse(null));
        return Optional.empty();
    }

    /** A site holds either one action (one route matching everything) or {@code routes:}, never both. */
    private List<Route> routes(YamlMap m, Node hostNode) {
        Optional<YamlMap.Entry> routeList = m.entry("routes");
        if (routeList.isEmpty()) {
            return actions.single(m, hostNode, ", or routes")
                    .map(a -> List.of(new Route(RouteMatch.ANY, a))).orElse(List.of());
        }
        List<YamlMap.Entry> direct = actions.entries(m);
        if (!direct.isEmpty()) {
            m.conflict(direct.get(0), routeList.get(), "one action, or routes with one action each", problems);
        }
        return routes.read(routeList.get().value(), m.path("routes"));
    }
}
