package dev.gatehouse.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads {@code acme:}: {@code directory} (a URL or a list tried in order), {@code trust}, {@code staging},
 * {@code eab: { key_id, hmac_key }}, {@code challenge: http-01 | tls-alpn-01 | dns-01} and {@code dns:} (see
 * {@link DnsReader}).
 */
final class AcmeReader {
    static final List<String> KEYS = List.of("directory", "trust", "staging", "eab", "challenge", "dns");
    private static final List<String> EAB_KEYS = List.of("key_id", "hmac_key");

    private final Values values;
    private final Path baseDir;

    AcmeReader(Values values, Path baseDir) {
        this.values = values;
        this.baseDir = baseDir;
    }

    AcmeSettings read(YamlMap root) {
        Optional<YamlMap> section = root.get("acme").flatMap(n -> YamlMap.fields(n, "acme", KEYS, values.problems()));
        if (section.isEmpty()) {
            return AcmeSettings.DEFAULTS;
        }
        YamlMap m = section.get();
        boolean staging = m.get("staging").flatMap(n -> values.bool(n, m.path("staging"))).orElse(false);
        List<URI> directories = m.get("directory").map(n -> directories(n, m.path("directory")))
                .orElse(List.of(staging ? AcmeSettings.LETS_ENCRYPT_STAGING : AcmeSettings.LETS_ENCRYPT));
        Optional<Path> trust = values.string(m, "trust").map(t -> baseDir.resolve(t).normalize());
        Optional<AcmeSettings.Eab> eab = m.get("eab").flatMap(n -> YamlMap.fields(n, m.path("eab"), EAB_KEYS,
                values.problems()).flatMap(e -> eab(n, e)));
        Optional<AcmeSettings.ChallengeType> challenge = m.get("challenge").flatMap(n -> challenge(n, m.path("challenge")));
        Optional<DnsSettings> dns = m.get("dns").flatMap(n -> new DnsReader(values, baseDir).read(n, m.path("dns"),
                Optional.empty()));
        if (challenge.equals(Optional.of(AcmeSettings.ChallengeType.DNS_01)) && !m.has("dns")) {
            values.problems().at(m.get("challenge").orElseThrow(), m.path("challenge"), "dns-01 needs acme.dns "
                    + "(expected: dns: { provider: rfc2136 | acme-dns | exec, ... } beside challenge)");
        }
        return new AcmeSettings(directories, trust, eab, challenge, dns);
    }

    private List<URI> directories(Node node, String path) {
        List<URI> out = new ArrayList<>();
        List<Node> items = Values.oneOrMany(node);
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String itemPath = node instanceof SequenceNode ? YamlNodes.item(path, i) : path;
            values.httpUrl(item, itemPath, "https://acme-v02.api.letsencrypt.org/directory").ifPresent(out::add);
        }
        return out.isEmpty() ? List.of(AcmeSettings.LETS_ENCRYPT) : out;
    }

    private Optional<AcmeSettings.Eab> eab(Node node, YamlMap m) {
        Optional<String> kid = values.string(m, "key_id");
        Optional<String> hmac = values.string(m, "hmac_key");
        if (!m.has("key_id") || !m.has("hmac_key")) {
            values.problems().at(node, m.path(), "eab needs both key_id and hmac_key (expected: the values your CA gave you)");
        }
        if (kid.isEmpty() || hmac.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new AcmeSettings.Eab(kid.get(), hmac.get()));
    }

    private Optional<AcmeSettings.ChallengeType> challenge(Node node, String path) {
        return values.string(node, path).flatMap(text -> {
            for (AcmeSettings.ChallengeType t : AcmeSettings.ChallengeType.values()) {
                if (t.configName().equals(text)) {
                    return Optional.of(t);
                }
            }
            List<String> known = Arrays.stream(AcmeSettings.ChallengeType.values())
                    .map(AcmeSettings.ChallengeType::configName).toList();
            values.problems().at(node, path, "unknown challenge \"" + text + "\" (expected: http-01, tls-alpn-01 or dns-01)",
                    KeyHints.closest(text, known).map(c -> "did you mean \"" + c + "\"?").orElse(null));
            return Optional.empty();
        });
    }
}
