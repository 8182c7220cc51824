package dev.gatehouse.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Reads {@code sites:}: host names, HTTP policy, HSTS, and either one action or a list of routes. */
final class SiteReader {
    private static final List<String> SITE_KEYS = Stream.concat(ActionReader.ACTION_KEYS.stream(),
            Stream.concat(Stream.of("aliases", "routes", "tls"), StageKeys.names(StageKeys.Level.SITE).stream())).toList();
    private static final List<String> TLS_KEYS = List.of("cert", "key", "issuer", "key_type", "dns");
    private static final List<String> FILE_KEYS = List.of("cert", "key");
    private static final List<String> TLS_MODES = List.of("internal", "acme");
    /** DNS labels (RFC 1123), optionally after {@code *.}: a wildcard covers exactly one leftmost label. */
    private static final Pattern HOST =
            Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    private final Path baseDir;
    private final Values values;
    private final Problems problems;
    private final ActionReader actions;
    private final RouteReader routes;
    private final Optional<DnsSettings> acmeDns;

    /** @param acmeDns {@code acme.dns}, which a site's {@code tls: { dns: }} builds on */
    SiteReader(Values values, ConfigValidator validator, Path baseDir, Optional<DnsSettings> acmeDns) {
        this.baseDir = baseDir;
        this.acmeDns = acmeDns;
        this.values = values;
        this.problems = values.problems();
        this.actions = new ActionReader(values, validator, baseDir);
        this.routes = new RouteReader(values, actions, baseDir);
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
        Map<String, Named> names = new LinkedHashMap<>();
        for (YamlMap.Entry site : sites.map(YamlMap::entries).orElse(List.of())) {
            String host = site.key().toLowerCase(Locale.ROOT);
            if (!HOST.matcher(host).matches()) {
                problems.at(site.keyNode(), "sites", "\"" + site.key() + "\" is not a host name (expected: like "
                        + "example.com, or *.example.com where * stands for exactly one label)");
            }
            Named claimed = names.putIfAbsent(host, new Named(host, site.keyNode()));
            if (claimed != null) {
                problems.at(site.keyNode(), "sites", "\"" + host + "\" is already a name of site \"" + claimed.site()
                        + "\" (expected: each name on one site only)", "first given at line "
                        + YamlNodes.line(claimed.node()));
            }
            out.put(host, site(host, site, YamlNodes.child("sites", host), names));
        }
        return out;
    }

    /** A name some site answers, and where it was given (for "already a name of" errors). */
    private record Named(String site, Node node) {
    }

    private Site site(String host, YamlMap.Entry entry, String path, Map<String, Named> names) {
        Optional<YamlMap> map = YamlMap.fields(entry.value(), path, SITE_KEYS, problems);
        if (map.isEmpty()) {
            return new Site(host, new SiteTls.Auto(), List.of(), Map.of());
        }
        YamlMap m = map.get();
        List<String> aliases = m.get("aliases").map(n -> aliases(host, n, m.path("aliases"), names)).orElse(List.of());
        List<KeyType> keyTypes = new ArrayList<>();
        SiteTls tls = m.get("tls").map(n -> tls(n, m.path("tls"), keyTypes)).orElse(new SiteTls.Auto());
        Map<String, StageConfig> stages = StageKeys.read(m, StageKeys.Level.SITE,
                new StageKeys.Reading(values, baseDir));
        return new Site(host, aliases, tls, keyTypes, routes(m, entry.keyNode()), stages);
    }

    /**
     * {@code aliases: [www.app.example.com, ...]}: more names for the site, on its certificate. A name belongs to one
     * site: the same name on two sites (as a site or an alias) is an error at the second. A wildcard site that also
     * matches a name is no conflict: the exact name wins.
     */
    private List<String> aliases(String host, Node node, String path, Map<String, Named> names) {
        List<String> out = new ArrayList<>();
        List<Node> items = Values.oneOrMany(node);
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String itemPath = node instanceof SequenceNode ? YamlNodes.item(path, i) : path;
            Optional<String> text = values.string(item, itemPath).map(a -> a.toLowerCase(Locale.ROOT));
            if (text.isEmpty()) {
                continue;
            }
            String alias = text.get();
            if (!HOST.matcher(alias).matches()) {
                problems.at(item, itemPath, "\"" + alias + "\" is not a host name (expected: like www.example.com, "
                        + "or *.example.com where * stands for exactly one label)");
                continue;
            }
            Named first = names.putIfAbsent(alias, new Named(host, item));
            if (first != null) {
                problems.at(item, itemPath, "\"" + alias + "\" is already a name of site \"" + first.site()
                        + "\" (expected: each name on one site only)", "first given at line "
                        + YamlNodes.line(first.node()));
                continue;
            }
            out.add(alias);
        }
        return out;
    }

    /**
     * {@code tls: internal | acme}, {@code tls: { issuer: internal | acme, key_type: TYPE | [TYPE, TYPE] }},
     * {@code tls: { cert: FILE, key: FILE }} (paths relative to the config) or {@code tls: { dns: {...} }} (ACME over
     * DNS-01 with this site's DNS settings, with key_type beside it if wanted). Key types go to {@code keyTypes}.
     */
    private SiteTls tls(Node node, String path, List<KeyType> keyTypes) {
        if (!(node instanceof MappingNode)) {
            Optional<String> mode = values.string(node, path);
            if (mode.isPresent() && mode.get().equals("internal")) {
                return new SiteTls.Internal();
            }
            if (mode.isPresent() && mode.get().equals("acme")) {
                return new SiteTls.Acme();
            }
            mode.ifPresent(text -> problems.at(node, path, "unknown tls mode \"" + text
                    + "\" (expected: internal, acme, { cert: FILE, key: FILE } or { dns: {...} })",
                    KeyHints.closest(text, TLS_MODES).map(c -> "did you mean \"" + c + "\"?").orElse(null)));
            return new SiteTls.Auto();
        }
        Optional<YamlMap> fields = YamlMap.fields(node, path, TLS_KEYS, problems);
        if (fields.isEmpty()) {
            return new SiteTls.Auto();
        }
        YamlMap f = fields.get();
        boolean files = f.has("cert") || f.has("key");
        f.get("key_type").ifPresent(n -> keyTypes.addAll(keyTypes(n, f.path("key_type"))));
        if (files && f.has("key_type")) {
            f.conflict(f.entry(f.has("cert") ? "cert" : "key").orElseThrow(), f.entry("key_type").orElseThrow(),
                    "key_type for certificates Gatehouse obtains, or cert and key of your own files", problems);
        }
        if (files && f.has("issuer")) {
            f.conflict(f.entry(f.has("cert") ? "cert" : "key").orElseThrow(), f.entry("issuer").orElseThrow(),
                    "issuer: acme | internal, or cert and key of your own files", problems);
        }
        Optional<YamlMap.Entry> dns = f.entry("dns");
        if (dns.isPresent()) {
            f.entries().stream().filter(e -> FILE_KEYS.contains(e.key())).findFirst().ifPresent(e ->
                    f.conflict(e, dns.get(), "cert and key for your own files, or dns for ACME over DNS-01", problems));
            return new DnsReader(values, baseDir).read(dns.get().value(), f.path("dns"), acmeDns)
                    .<SiteTls>map(d -> new SiteTls.Acme(Optional.of(d))).orElse(new SiteTls.Acme());
        }
        if (!files) {
            return f.get("issuer").map(n -> tls(n, f.path("issuer"), new ArrayList<>())).orElse(new SiteTls.Auto());        }
        Optional<String> cert = values.string(f, "cert");
        Optional<String> key = values.string(f, "key");
        for (String k : FILE_KEYS) {
            if (!f.has(k)) {
                problems.at(node, path, "no " + k + " (expected: both cert and key, as PEM file paths)");
            }
        }
        if (cert.isEmpty() || key.isEmpty()) {
            return new SiteTls.Auto();
        }
        Path certFile = baseDir.resolve(cert.get()).normalize();
        Path keyFile = baseDir.resolve(key.get()).normalize();
        existing(f, "cert", certFile, "the site's certificate chain, a PEM file");
        existing(f, "key", keyFile, "the site's private key, a PEM file");
        return new SiteTls.Files(certFile, keyFile);
    }

    /**
     * Reports a file that is not there (or is a directory) at its key. Readability is left to the start: the server
     * may run as a user who can read what the user running {@code validate} cannot, and the other way round.
     */
    private void existing(YamlMap m, String key, Path file, String expected) {
        String problem = Files.notExists(file) ? "no such file " + file
                : Files.isDirectory(file) ? file + " is a directory" : null;
        if (problem != null) {
            problems.at(m.get(key).orElseThrow(), m.path(key), problem + " (expected: " + expected + ")");
        }
    }

    /** {@code key_type: rsa2048} or a list of at most one ECDSA and one RSA type (served by what the client supports). */
    private List<KeyType> keyTypes(Node node, String path) {
        List<KeyType> out = new ArrayList<>();
        List<Node> items = Values.oneOrMany(node);
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String itemPath = node instanceof SequenceNode ? YamlNodes.item(path, i) : path;
            Optional<String> text = values.string(item, itemPath);
            if (text.isEmpty()) {
                continue;
            }
            Optional<KeyType> type = KeyType.parse(text.get());
            if (type.isEmpty()) {
                problems.at(item, itemPath, "unknown key type \"" + text.get() + "\" (expected: "
                        + String.join(", ", KeyType.configNames()) + ")", KeyHints.closest(text.get(),
                        KeyType.configNames()).map(c -> "did you mean \"" + c + "\"?").orElse(null));
            } else if (out.stream().anyMatch(t -> t.isRsa() == type.get().isRsa())) {
                problems.at(item, itemPath, "a second " + (type.get().isRsa() ? "RSA" : "ECDSA") + " key type \""
                        + text.get() + "\" (expected: at most one ECDSA and one RSA type; each client gets the one "
                        + "it supports)");
            } else {
                out.add(type.get());
            }
        }
        if (items.isEmpty()) {
            problems.at(node, path, "no key type (expected: one of " + String.join(", ", KeyType.configNames())
                    + ", or a list like [ecdsa-p256, rsa2048])");
        }
        return out;
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
