package dev.gatehouse.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Cross-reference checks that need the whole file read first: every {@code upstream:} names a defined
 * upstream, and {@code default_site} names a defined site. Readers record each reference with its node
 * while they walk the tree; {@link #validate} checks them against the finished config.
 */
final class ConfigValidator {
    private record Reference(String name, Node node, String path) {
    }

    private final Problems problems;
    private final List<Reference> upstreamRefs = new ArrayList<>();
    private final List<Reference> siteRefs = new ArrayList<>();

    ConfigValidator(Problems problems) {
        this.problems = problems;
    }

    /** Records that {@code node} (at message path {@code path}) names upstream {@code name}. */
    void referToUpstream(String name, Node node, String path) {
        upstreamRefs.add(new Reference(name, node, path));
    }

    /** Records that {@code node} names site {@code host} (already lower-cased). */
    void referToSite(String host, Node node, String path) {
        siteRefs.add(new Reference(host, node, path));
    }

    /** Reports every reference to an undefined upstream or site, with the closest defined name as a hint. */
    void validate(GatehouseConfig config) {
        check(upstreamRefs, config.upstreams(), "upstream", "defined upstreams",
                "no upstreams are defined; add one under upstreams:");
        Map<String, Object> siteNames = new LinkedHashMap<>(config.sites());
        config.sites().values().forEach(site -> site.aliases().forEach(alias -> siteNames.putIfAbsent(alias, site)));
        check(siteRefs, siteNames, "site", "defined sites", "no sites are defined");
    }

    private void check(List<Reference> refs, Map<String, ?> defined, String noun, String listLabel, String noneHint) {
        for (Reference ref : refs) {
            if (defined.containsKey(ref.name())) {
                continue;
            }
            String hint = defined.isEmpty() ? noneHint : KeyHints.hint(ref.name(), defined.keySet(), listLabel);
            problems.at(ref.node(), ref.path(), "unknown " + noun + " \"" + ref.name() + "\"", hint);
        }
    }
}
