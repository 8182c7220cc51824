package dev.gatehouse.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads {@code upstreams:}: named pools of weighted {@code host:port} targets, how requests are spread over them,
 * retried and queued. Health checks are read by {@link HealthReader}.
 */
final class UpstreamReader {
    private static final List<String> UPSTREAM_KEYS = List.of("targets", "policy", "hash", "sticky", "health",
            "passive", "start", "when_unhealthy", "retries", "queue", "slow_start", "deregistration_delay", "protocol",
            "tls");
    private static final List<String> TLS_KEYS = List.of("ca", "server_name");
    private static final List<String> TARGET_KEYS = List.of("address", "weight", "max_requests");
    private static final List<String> HASH_KEYS = List.of("on");
    private static final List<String> STICKY_KEYS = List.of("cookie", "ttl");
    private static final List<String> RETRY_KEYS = List.of("attempts", "budget");
    private static final List<String> QUEUE_KEYS = List.of("size", "timeout");
    static final int MAX_RETRIES = 10;

    private final Values values;
    private final Problems problems;
    private final HealthReader health;
    private final Path baseDir;

    UpstreamReader(Values values, Path baseDir) {
        this.values = values;
        this.baseDir = baseDir;
        this.problems = values.problems();
        this.health = new HealthReader(values);
    }

    /**
     * Upstreams by name, in file order. A pool with errors is still returned (possibly without targets), so
     * that references to it do not also report "unknown upstream".
     */
    Map<String, Upstream> read(YamlMap root) {
        Map<String, Upstream> out = new LinkedHashMap<>();
        root.get("upstreams")
                .flatMap(n -> YamlMap.names(n, "upstreams", "upstream", UnaryOperator.identity(), problems))
                .ifPresent(upstreams -> upstreams.entries().forEach(e -> {
                    if (!e.key().matches("[A-Za-z0-9_.-]+")) {
                        problems.at(e.keyNode(), "upstreams", "\"" + e.key() + "\" is not an upstream name "
                                + "(expected: letters, digits, and . _ -)");
                    }
                    out.put(e.key(), upstream(e, upstreams.path(e.key())));
                }));
        return out;
    }

    private Upstream upstream(YamlMap.Entry entry, String path) {
        YamlMap m = YamlMap.fields(entry.value(), path, UPSTREAM_KEYS, problems).orElse(YamlMap.empty(path));
        Upstream d = new Upstream(entry.key(), List.of());
        Upstream.Protocol protocol = choice(m, "protocol", Upstream.Protocol.values(), Upstream.Protocol::configName)
                .orElse(d.protocol());
        return new Upstream(entry.key(), targets(entry, m), balancing(m),
                health.active(m), health.passive(m), retries(m), queue(m),
                m.get("slow_start").flatMap(n -> values.duration(n, m.path("slow_start"))).orElse(d.slowStart()),
                choice(m, "start", Upstream.Start.values(), Upstream.Start::configName).orElse(d.start()),
                choice(m, "when_unhealthy", Upstream.WhenUnhealthy.values(), Upstream.WhenUnhealthy::configName)
                        .orElse(d.whenUnhealthy()),
                m.get("deregistration_delay").flatMap(n -> values.duration(n, m.path("deregistration_delay")))
                        .orElse(d.deregistrationDelay()),
                protocol, tls(m, protocol));
    }

    /** {@code tls: { ca: FILE, server_name: NAME }}, only with {@code protocol: h2}. */
    private UpstreamTls tls(YamlMap m, Upstream.Protocol protocol) {
        Optional<YamlMap.Entry> entry = m.entry("tls");
        if (entry.isEmpty()) {
            return UpstreamTls.DEFAULT;
        }
        if (protocol != Upstream.Protocol.H2) {
            problems.at(entry.get().keyNode(), m.path("tls"), "only used with protocol: h2 (expected: protocol: h2, "
                    + "or remove tls:)");
            return UpstreamTls.DEFAULT;
        }
        return YamlMap.fields(entry.get().value(), m.path("tls"), TLS_KEYS, problems).map(t -> {
            Optional<Path> ca = values.string(t, "ca").map(f -> baseDir.resolve(f).toAbsolutePath().normalize());
            List<X509Certificate> certs = ca.map(file -> caCertificates(t.get("ca").orElseThrow(), t.path("ca"), file))
                    .orElse(List.of());
            Optional<String> serverName = values.string(t, "server_name").filter(n -> {
                if (n.matches("[A-Za-z0-9.-]+")) {
                    return true;
                }
                problems.at(t.get("server_name").orElseThrow(), t.path("server_name"), "\"" + n
                        + "\" is not a host name (expected: e.g. api.internal)");
                return false;
            });
            return new UpstreamTls(ca, certs, serverName);
        }).orElse(UpstreamTls.DEFAULT);
    }

    /** Reads the CA file now, so that a missing or broken file is a config error with a position, not a 502 later. */
    private List<X509Certificate> caCertificates(Node node, String path, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certs = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certs.add((X509Certificate) c);
            }
            if (certs.isEmpty()) {
                problems.at(node, path, file + " holds no certificate (expected: a PEM file with BEGIN CERTIFICATE)");
            }
            return certs;
        } catch (IOException e) {
            problems.at(node, path, "cannot read " + file + ": " + e.getMessage()
                    + " (expected: a readable PEM file of CA certificates)");
        } catch (CertificateException e) {
            problems.at(node, path, file + " is not a PEM certificate file: " + e.getMessage()
                    + " (expected: one or more BEGIN CERTIFICATE blocks)");
        }
        return List.of();
    }

    private List<Target> targets(YamlMap.Entry entry, YamlMap m) {
        Optional<Node> targets = m.get("targets");
        if (targets.isPresent() && targets.get() instanceof SequenceNode seq && seq.getValue().isEmpty()) {
            return List.of(); // filled by registrations through the admin API, as cloud target groups are
        }
        if (targets.isEmpty() || Values.oneOrMany(targets.get()).isEmpty()) {
            problems.at(targets.orElse(entry.keyNode()), m.path(), "no targets (expected: targets: [host:port, ...],"
                    + " or targets: [] for a pool filled by registrations through the admin API)");
            return List.of();
        }
        List<Target> out = new ArrayList<>();
        List<Node> items = Values.oneOrMany(targets.get());
        for (int i = 0; i < items.size(); i++) {
            String itemPath = targets.get() instanceof SequenceNode
                    ? YamlNodes.item(m.path("targets"), i) : m.path("targets");
            Node item = items.get(i);
            target(item, itemPath).ifPresent(t -> {
                if (out.stream().anyMatch(o -> o.address().equals(t.address()))) {
                    problems.at(item, itemPath, "duplicate target " + t.address()
                            + " (expected: each address once; use weight: to give it a larger share)");
                } else {
                    out.add(t);
                }
            });
        }
        return out;
    }

    /** {@code host:port}, or {@code { address: host:port, weight: 0..1000, max_requests: N }}. */
    private Optional<Target> target(Node node, String path) {
        if (node instanceof ScalarNode) {
            return address(node, path).map(a -> new Target(a.host(), a.port(), Target.DEFAULT_WEIGHT));
        }
        return YamlMap.fields(node, path, TARGET_KEYS, problems).flatMap(m -> {
            int weight = m.get("weight").flatMap(n -> values.integer(n, m.path("weight"), 0, Target.MAX_WEIGHT))
                    .orElse(Target.DEFAULT_WEIGHT);
            int maxRequests = m.get("max_requests").flatMap(n -> values.integer(n, m.path("max_requests"), 1,
                    Target.MAX_MAX_REQUESTS, "leave it out for no limit")).orElse(0);
            Optional<Node> address = m.get("address");
            if (address.isEmpty()) {
                problems.at(node, path, "missing key \"address\" (expected: host:port)");
            }
            return address.flatMap(n -> address(n, m.path("address")))
                    .map(a -> new Target(a.host(), a.port(), weight, maxRequests));
        });
    }

    private Optional<HostPort> address(Node node, String path) {
        return values.string(node, path).flatMap(text -> values.parsed(node, path, text, HostPort::parse));
    }

    private Balancing balancing(YamlMap m) {
        Balancing.Policy policy = choice(m, "policy", Balancing.Policy.values(), Balancing.Policy::configName)
                .orElse(Balancing.DEFAULT.policy());
        onlyWith(m, "hash", policy, Balancing.Policy.HASH);
        onlyWith(m, "sticky", policy, Balancing.Policy.STICKY);
        Balancing.HashOn hash = m.get("hash").flatMap(n -> YamlMap.fields(n, m.path("hash"), HASH_KEYS, problems))
                .flatMap(this::hashOn).orElse(Balancing.DEFAULT.hash());
        Balancing.Sticky sticky = m.get("sticky")
                .flatMap(n -> YamlMap.fields(n, m.path("sticky"), STICKY_KEYS, problems))
                .map(this::sticky).orElse(Balancing.DEFAULT.sticky());
        return new Balancing(policy, hash, sticky);
    }

    private void onlyWith(YamlMap m, String key, Balancing.Policy policy, Balancing.Policy needed) {
        m.entry(key).filter(e -> policy != needed).ifPresent(e -> problems.at(e.keyNode(), m.path(key),
                "only used with policy: " + needed.configName() + " (expected: policy: " + needed.configName()
                        + ", or remove " + key + ":)"));
    }

    /** {@code on: client_ip}, {@code on: header NAME} or {@code on: cookie NAME}. */
    private Optional<Balancing.HashOn> hashOn(YamlMap h) {
        return values.string(h, "on").flatMap(text -> {
            String[] words = text.trim().split("\\s+");
            Balancing.HashOn.Source source = switch (words[0]) {
                case "client_ip" -> words.length == 1 ? Balancing.HashOn.Source.CLIENT_IP : null;
                case "header" -> words.length == 2 && words[1].matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")
                        ? Balancing.HashOn.Source.HEADER : null;
                case "cookie" -> words.length == 2 && words[1].matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")
                        ? Balancing.HashOn.Source.COOKIE : null;
                default -> null;
            };
            if (source == null) {
                problems.at(h.get("on").orElseThrow(), h.path("on"), "\"" + text + "\" is not a hash key "
                        + "(expected: client_ip, header NAME or cookie NAME)");
                return Optional.empty();
            }
            return Optional.of(new Balancing.HashOn(source, words.length == 2 ? words[1] : ""));
        });
    }

    private Balancing.Sticky sticky(YamlMap s) {
        Balancing.Sticky d = Balancing.Sticky.DEFAULT;
        String cookie = values.string(s, "cookie").filter(c -> {
            if (c.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                return true;
            }
            problems.at(s.get("cookie").orElseThrow(), s.path("cookie"), "\"" + c + "\" is not a cookie name "
                    + "(expected: letters, digits and - _ .)");
            return false;
        }).orElse(d.cookie());
        Duration ttl = s.get("ttl").flatMap(n -> values.duration(n, s.path("ttl"))).orElse(d.ttl());
        return new Balancing.Sticky(cookie, ttl);
    }

    private Retries retries(YamlMap m) {
        Retries d = Retries.DEFAULT;
        return m.get("retries").flatMap(n -> YamlMap.fields(n, m.path("retries"), RETRY_KEYS, problems))
                .map(r -> new Retries(
                        r.get("attempts").flatMap(n -> values.integer(n, r.path("attempts"), 0, MAX_RETRIES))
                                .orElse(d.attempts()),
                        r.get("budget").flatMap(n -> values.percent(n, r.path("budget"))).orElse(d.budgetPercent())))
                .orElse(d);
    }

    private UpstreamQueue queue(YamlMap m) {
        UpstreamQueue d = UpstreamQueue.DEFAULT;
        return m.get("queue").flatMap(n -> YamlMap.fields(n, m.path("queue"), QUEUE_KEYS, problems))
                .map(q -> new UpstreamQueue(
                        q.get("size").flatMap(n -> values.integer(n, q.path("size"), 0, 100_000)).orElse(d.size()),
                        q.get("timeout").flatMap(n -> values.positiveDuration(n, q.path("timeout"))).orElse(d.timeout())))
                .orElse(d);
    }

    /** One of a closed set of names, with a hint for a near miss. */
    <E> Optional<E> choice(YamlMap m, String key, E[] options, Function<E, String> name) {
        return values.string(m, key).flatMap(text -> {
            List<String> names = new ArrayList<>();
            for (E option : options) {
                if (name.apply(option).equals(text)) {
                    return Optional.of(option);
                }
                names.add(name.apply(option));
            }
            problems.at(m.get(key).orElseThrow(), m.path(key), "unknown " + key.replace('_', ' ') + " \"" + text
                    + "\" (expected: one of " + String.join(", ", names) + ")",
                    KeyHints.closest(text, names).map(c -> "did you mean \"" + c + "\"?").orElse(null));
            return Optional.empty();
        });
    }
}
