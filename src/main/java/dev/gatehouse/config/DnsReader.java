package dev.gatehouse.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a DNS-01 block: {@code acme.dns:}, and a site's {@code tls: { dns: }}. A site's block that names a
 * {@code provider} stands alone; one without takes {@code acme.dns} and replaces only the keys it gives.
 */
final class DnsReader {
    private static final List<String> COMMON_KEYS = List.of("provider", "nameserver", "zone", "propagation");
    /** Keys that belong to one provider, and which. */
    private static final Map<String, String> PROVIDER_KEYS = Map.of(
            "tsig", DnsSettings.Rfc2136.NAME,
            "api", DnsSettings.AcmeDns.NAME, "account", DnsSettings.AcmeDns.NAME,
            "allow_from", DnsSettings.AcmeDns.NAME,
            "command", DnsSettings.Exec.NAME, "timeout", DnsSettings.Exec.NAME);
    static final List<String> KEYS = Stream.concat(COMMON_KEYS.stream(),
            Stream.of("tsig", "api", "account", "allow_from", "command", "timeout")).toList();
    private static final List<String> PROVIDERS =
            List.of(DnsSettings.Rfc2136.NAME, DnsSettings.AcmeDns.NAME, DnsSettings.Exec.NAME);
    private static final List<String> TSIG_KEYS = List.of("name", "algorithm", "secret");
    private static final List<String> PROPAGATION_KEYS = List.of("nameservers", "timeout", "interval");
    private static final List<String> ACCOUNT_KEYS = List.of("username", "password", "subdomain", "fulldomain");
    private static final List<String> ALGORITHMS =
            Stream.of(DnsSettings.TsigAlgorithm.values()).map(DnsSettings.TsigAlgorithm::configName).toList();
    /** A zone or key name: DNS labels, a trailing dot allowed. */
    private static final Pattern DNS_NAME =
            Pattern.compile("([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\\.?");

    private final Values values;
    private final Problems problems;
    private final Path baseDir;

    DnsReader(Values values, Path baseDir) {
        this.values = values;
        this.problems = values.problems();
        this.baseDir = baseDir;
    }

    /**
     * The block at {@code node}, or empty after reporting what is wrong.
     *
     * @param base {@code acme.dns}, which a site's block without {@code provider} builds on
     */
    Optional<DnsSettings> read(Node node, String path, Optional<DnsSettings> base) {
        Optional<YamlMap> map = YamlMap.fields(node, path, KEYS, problems);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        Optional<DnsSettings> inherited = m.has("provider") ? Optional.empty() : base;
        Optional<String> providerName = m.has("provider") ? provider(m) : base.map(DnsSettings::providerName);
        if (providerName.isEmpty()) {
            if (!m.has("provider") && !m.hadUnknownKeys()) {
                problems.at(node, path, "no provider (expected: provider: " + String.join(", ", PROVIDERS)
                        + (base.isEmpty() && !path.equals("acme.dns") ? ", here or in acme.dns" : "") + ")");
            }
            return Optional.empty();
        }
        for (YamlMap.Entry e : m.entries()) {
            String owner = PROVIDER_KEYS.get(e.key());
            if (owner != null && !owner.equals(providerName.get())) {
                problems.at(e.keyNode(), m.path(e.key()), e.key() + " belongs to provider " + owner
                        + " (this block's provider is " + providerName.get() + ")");
            }
        }
        Optional<DnsSettings.Provider> provider = switch (providerName.get()) {
            case DnsSettings.Rfc2136.NAME -> rfc2136(node, m, inherited);
            case DnsSettings.AcmeDns.NAME -> acmeDns(node, m, inherited);
            default -> exec(node, m, inherited);
        };
        Optional<HostPort> nameserver = m.get("nameserver").flatMap(n -> server(n, m.path("nameserver")))
                .or(() -> inherited.flatMap(DnsSettings::nameserver));
        Optional<String> zone = m.get("zone").flatMap(n -> dnsName(n, m.path("zone"), "a zone, like example.com"))
                .or(() -> inherited.flatMap(DnsSettings::zone));
        DnsSettings.Propagation propagation = m.get("propagation").map(n -> propagation(n, m.path("propagation"),
                inherited.map(DnsSettings::propagation).orElse(DnsSettings.Propagation.DEFAULTS)))
                .orElseGet(() -> inherited.map(DnsSettings::propagation).orElse(DnsSettings.Propagation.DEFAULTS));
        return provider.map(p -> new DnsSettings(p, nameserver, zone, propagation));
    }

    private Optional<String> provider(YamlMap m) {
        return values.string(m, "provider").flatMap(text -> {
            if (PROVIDERS.contains(text)) {
                return Optional.of(text);
            }
            problems.at(m.get("provider").orElseThrow(), m.path("provider"), "unknown provider \"" + text
                    + "\" (expected: " + String.join(", ", PROVIDERS) + ")", KeyHints.closest(text, PROVIDERS)
                    .map(c -> "did you mean \"" + c + "\"?").orElse(null));
            return Optional.empty();
        });
    }

    private <T> Optional<T> inherited(Optional<DnsSettings> base, Class<T> type) {
        return base.map(DnsSettings::provider).filter(type::isInstance).map(type::cast);
    }

    // ---- rfc2136

    private Optional<DnsSettings.Provider> rfc2136(Node node, YamlMap m, Optional<DnsSettings> base) {
        Optional<DnsSettings.Tsig> tsig = m.get("tsig").flatMap(n -> tsig(n, m.path("tsig")))
                .or(() -> inherited(base, DnsSettings.Rfc2136.class).map(DnsSettings.Rfc2136::tsig));
        if (tsig.isEmpty() && !m.has("tsig")) {
            problems.at(node, m.path(), "provider rfc2136 needs tsig (expected: tsig: { name: KEY-NAME, "
                    + "algorithm: hmac-sha256, secret: BASE64 }, the key the DNS server accepts updates with)");
        }
        return tsig.map(DnsSettings.Rfc2136::new);
    }

    private Optional<DnsSettings.Tsig> tsig(Node node, String path) {
        return YamlMap.fields(node, path, TSIG_KEYS, problems).flatMap(t -> {
            for (String key : List.of("name", "secret")) {
                if (!t.has(key)) {
                    problems.at(node, path, "no " + key + " (expected: tsig: { name: KEY-NAME, algorithm: hmac-sha256,"
                            + " secret: BASE64 })");
                }
            }
            Optional<String> name = t.get("name").flatMap(n -> dnsName(n, t.path("name"), "a key name, like gatehouse-key"));
            Optional<DnsSettings.TsigAlgorithm> algorithm = t.get("algorithm")
                    .map(n -> algorithm(n, t.path("algorithm")))
                    .orElse(Optional.of(DnsSettings.TsigAlgorithm.HMAC_SHA256));
            Optional<String> secret = t.get("secret").flatMap(n -> secret(n, t.path("secret")));
            if (name.isEmpty() || algorithm.isEmpty() || secret.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new DnsSettings.Tsig(name.get(), algorithm.get(), secret.get()));
        });
    }

    private Optional<DnsSettings.TsigAlgorithm> algorithm(Node node, String path) {
        return values.string(node, path).flatMap(text -> {
            String a = text.toLowerCase(Locale.ROOT).replaceFirst("\\.$", "");
            for (DnsSettings.TsigAlgorithm algorithm : DnsSettings.TsigAlgorithm.values()) {
                if (algorithm.configName().equals(a)) {
                    return Optional.of(algorithm);
                }
            }
            if (a.equals("hmac-md5") || a.equals("hmac-md5.sig-alg.reg.int") || a.equals("hmac-sha1")
                    || a.equals("hmac-sha224")) {
                problems.at(node, path, a + " is refused: it is too weak to sign DNS updates (RFC 8945 §6)"
                        + " (expected: " + String.join(", ", ALGORITHMS) + ")",
                        "make a new key, e.g. keymgr -t gatehouse-key hmac-sha256 (knot) or "
                        + "tsig-keygen -a hmac-sha256 gatehouse-key (bind9)");
                return Optional.empty();
            }
            problems.at(node, path, "unknown TSIG algorithm \"" + text + "\" (expected: "
                    + String.join(", ", ALGORITHMS) + ")", KeyHints.closest(a, ALGORITHMS)
                    .map(c -> "did you mean \"" + c + "\"?").orElse(null));
            return Optional.empty();
        });
    }

    private Optional<String> secret(Node node, String path) {
        return values.string(node, path).filter(text -> {
            try {
                if (Base64.getDecoder().decode(text.trim()).length > 0) {
                    return true;
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            problems.at(node, path, "the secret is not base64 (expected: the key's secret as the DNS server's"
                    + " key file has it, like 8nFZ...=)");
            return false;
        }).map(String::trim);
    }

    // ---- acme-dns

    private Optional<DnsSettings.Provider> acmeDns(Node node, YamlMap m, Optional<DnsSettings> base) {
        Optional<DnsSettings.AcmeDns> inherited = inherited(base, DnsSettings.AcmeDns.class);
        Optional<URI> api = m.get("api").flatMap(n -> values.httpUrl(n, m.path("api"), "https://auth.acme-dns.io"))
                .or(() -> inherited.map(DnsSettings.AcmeDns::api));
        if (api.isEmpty() && !m.has("api")) {
            problems.at(node, m.path(), "provider acme-dns needs api (expected: api: https://auth.acme-dns.io, "
                    + "the acme-dns server's HTTP API)");
        }
        Optional<DnsSettings.AcmeDnsAccount> account = m.get("account")
                .map(n -> account(n, m.path("account")))
                .orElseGet(() -> inherited.flatMap(DnsSettings.AcmeDns::account));
        List<Cidr> allowFrom = m.get("allow_from").map(n -> values.cidrs(n, m.path("allow_from")))
                .orElseGet(() -> inherited.map(DnsSettings.AcmeDns::allowFrom).orElse(List.of()));
        return api.map(a -> new DnsSettings.AcmeDns(a, account, allowFrom));
    }

    private Optional<DnsSettings.AcmeDnsAccount> account(Node node, String path) {
        return YamlMap.fields(node, path, ACCOUNT_KEYS, problems).flatMap(a -> {
            List<String> got = new ArrayList<>();
            for (String key : ACCOUNT_KEYS) {
                if (!a.has(key)) {
                    problems.at(node, path, "no " + key + " (expected: username, password, subdomain and fulldomain, as"
                            + " acme-dns's /register answered them)");
                }
                values.string(a, key).ifPresent(got::add);
            }
            return got.size() == ACCOUNT_KEYS.size()
                    ? Optional.of(new DnsSettings.AcmeDnsAccount(got.get(0), got.get(1), got.get(2), got.get(3)))
                    : Optional.empty();
        });
    }

    // ---- exec

    private Optional<DnsSettings.Provider> exec(Node node, YamlMap m, Optional<DnsSettings> base) {
        Optional<DnsSettings.Exec> inherited = inherited(base, DnsSettings.Exec.class);
        Optional<List<String>> command = m.get("command").flatMap(n -> command(n, m.path("command")))
                .or(() -> inherited.map(DnsSettings.Exec::command));
        if (command.isEmpty() && !m.has("command")) {
            problems.at(node, m.path(), "provider exec needs command (expected: command: ./dns-hook.sh, or a list "
                    + "like [/usr/local/bin/hook, --zone, example.com]; it is run with present|cleanup NAME VALUE)");
        }
        Duration timeout = m.get("timeout").flatMap(n -> values.positiveDuration(n, m.path("timeout")))
                .or(() -> inherited.map(DnsSettings.Exec::timeout)).orElse(DnsSettings.Exec.DEFAULT_TIMEOUT);
        return command.map(c -> new DnsSettings.Exec(c, timeout));
    }

    /** A string is one program; a list is the program and its first arguments. Paths with a slash are relative to the config. */
    private Optional<List<String>> command(Node node, String path) {
        List<Node> items = Values.oneOrMany(node);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String itemPath = node instanceof SequenceNode ? YamlNodes.item(path, i) : path;
            values.string(items.get(i), itemPath).ifPresent(out::add);
        }
        if (out.size() != items.size()) {
            return Optional.empty();
        }
        if (out.isEmpty() || out.get(0).isBlank()) {
            problems.at(node, path, "no program (expected: command: ./dns-hook.sh, or a list with the program first)");
            return Optional.empty();
        }
        String program = out.get(0);
        if (program.contains("/")) {
            out.set(0, baseDir.resolve(program).normalize().toString());
        }
        return Optional.of(List.copyOf(out));
    }

    // ---- common keys

    /** {@code host[:port]}, port 53 when not given. */
    private Optional<HostPort> server(Node node, String path) {
        return values.string(node, path).flatMap(text -> {
            String withPort = text.matches("[A-Za-z0-9._-]+") || text.matches("\\[[0-9A-Fa-f:.]+]")
                    ? text + ":" + DnsSettings.DNS_PORT : text;
            return values.parsed(node, path, withPort, HostPort::parse);
        });
    }

    private Optional<String> dnsName(Node node, String path, String expected) {
        return values.string(node, path).flatMap(text -> {
            String name = text.toLowerCase(Locale.ROOT);
            if (DNS_NAME.matcher(name).matches() && !name.equals(".")) {
                return Optional.of(name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
            }
            problems.at(node, path, "\"" + text + "\" is not a DNS name (expected: " + expected + ")");
            return Optional.empty();
        });
    }

    private DnsSettings.Propagation propagation(Node node, String path, DnsSettings.Propagation base) {
        Optional<YamlMap> map = YamlMap.fields(node, path, PROPAGATION_KEYS, problems);
        if (map.isEmpty()) {
            return base;
        }
        YamlMap p = map.get();
        List<HostPort> servers = base.nameservers();
        if (p.has("nameservers")) {
            Node list = p.get("nameservers").orElseThrow();
            List<Node> items = Values.oneOrMany(list);
            List<HostPort> out = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                String itemPath = list instanceof SequenceNode ? YamlNodes.item(p.path("nameservers"), i) : p.path("nameservers");
                server(items.get(i), itemPath).ifPresent(out::add);
            }
            servers = out;
        }
        Duration timeout = p.get("timeout").flatMap(n -> values.positiveDuration(n, p.path("timeout")))
                .orElse(base.timeout());
        Duration interval = p.get("interval").flatMap(n -> values.positiveDuration(n, p.path("interval")))
                .orElse(base.interval());
        if (interval.compareTo(timeout) > 0) {
            problems.at(p.get("interval").or(() -> p.get("timeout")).orElse(node), p.path("interval"),
                    "interval " + Durations.format(interval) + " is longer than timeout " + Durations.format(timeout)
                    + " (expected: checks more often than the time they may take, like interval: 2s, timeout: 120s)");
        }
        return new DnsSettings.Propagation(servers, timeout, interval);
    }
}
