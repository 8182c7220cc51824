package dev.gatehouse.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads {@code cluster: { redis, password_env | password_file, encryption_key_env | encryption_key_file, node,
 * timeout, prefix }}. Secrets come from the environment or a file, never from the config itself, so the config can
 * be shared and shown.
 */
final class ClusterReader {
    private static final List<String> KEYS = List.of("redis", "password_env", "password_file", "encryption_key_env",
            "encryption_key_file", "node", "timeout", "prefix");
    private static final List<String> SCHEMES = List.of("redis", "rediss", "redis-sentinel", "rediss-sentinel",
            "redis-socket");
    private static final String REDIS_EXPECTED = "expected: like redis://127.0.0.1:6379/0, rediss://host:6380 for "
            + "TLS, redis-sentinel://host:26379/0#mymaster, or a list of redis:// seeds of a Redis Cluster";
    static final String KEY_EXPECTED = "expected: " + Cluster.KEY_BYTES + " random bytes as 64 hex digits or base64, "
            + "e.g. from: openssl rand -base64 32";

    private final Values values;
    private final Path baseDir;
    private final Function<String, String> env;

    ClusterReader(Values values, Path baseDir, Function<String, String> env) {
        this.values = values;
        this.baseDir = baseDir;
        this.env = env;
    }

    Optional<Cluster> read(YamlMap root) {
        Optional<YamlMap> section = root.get("cluster")
                .flatMap(n -> YamlMap.fields(n, "cluster", KEYS, values.problems()));
        if (section.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = section.get();
        Optional<Node> redisNode = m.get("redis");
        if (redisNode.isEmpty()) {
            if (!m.hadUnknownKeys()) {
                values.problems().at(root.entry("cluster").orElseThrow().keyNode(), "cluster",
                        "\"redis\" is missing (" + REDIS_EXPECTED + ")");
            }
            return Optional.empty();
        }
        boolean redisCluster = redisNode.get() instanceof SequenceNode;
        List<String> uris = uris(redisNode.get(), m.path("redis"), redisCluster);
        Optional<String> password = secret(m, "password_env", "password_file", "the Redis password",
                text -> text);
        Optional<byte[]> key = secret(m, "encryption_key_env", "encryption_key_file", "the encryption key",
                ClusterReader::key);
        Optional<String> node = values.string(m, "node").filter(n -> {
            if (n.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
                return true;
            }
            values.problems().at(m.get("node").orElseThrow(), m.path("node"), "\"" + n + "\" is not a node name "
                    + "(expected: letters, digits, '.', '_' and '-', like edge-1)");
            return false;
        });
        Duration timeout = m.get("timeout").flatMap(n -> values.positiveDuration(n, m.path("timeout")))
                .orElse(Cluster.DEFAULT_TIMEOUT);
        String prefix = values.string(m, "prefix").filter(p -> {
            if (p.matches("[A-Za-z0-9._-]{1,64}")) {
                return true;
            }
            values.problems().at(m.get("prefix").orElseThrow(), m.path("prefix"), "\"" + p + "\" is not a key prefix "
                    + "(expected: letters, digits, '.', '_' and '-', like gatehouse)");
            return false;
        }).orElse(Cluster.DEFAULT_PREFIX);
        if (uris.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Cluster(uris, redisCluster, password, key, node, timeout, prefix));
    }

    private List<String> uris(Node node, String path, boolean seeds) {
        List<Node> items = Values.oneOrMany(node);
        if (items.isEmpty()) {
            values.problems().at(node, path, "no Redis URI (" + REDIS_EXPECTED + ")");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String itemPath = seeds ? YamlNodes.item(path, i) : path;
            values.string(item, itemPath).flatMap(text -> values.parsed(item, itemPath, text,
                    t -> uri(t, seeds))).ifPresent(out::add);
        }
        return out.size() == items.size() ? out : List.of();
    }

    private static String uri(String text, boolean seed) {
        String scheme;
        try {
            scheme = Optional.ofNullable(new URI(text).getScheme()).orElse("").toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            // Sentinel URIs list several hosts, which java.net.URI refuses; the scheme is all we check here.
            int colon = text.indexOf("://");
            scheme = colon < 0 ? "" : text.substring(0, colon).toLowerCase(Locale.ROOT);
        }
        if (!SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("\"" + Cluster.withoutPassword(text) + "\" is not a Redis URI ("
                    + REDIS_EXPECTED + ")");
        }
        if (seed && !(scheme.equals("redis") || scheme.equals("rediss"))) {
            throw new IllegalArgumentException("\"" + Cluster.withoutPassword(text) + "\": a Redis Cluster seed is "
                    + "redis:// or rediss:// (expected: one redis-sentinel:// URI, not in a list)");
        }
        return text;
    }

    /** A secret from the environment variable or the file named by one of two keys; at most one may be given. */
    private <T> Optional<T> secret(YamlMap m, String envKey, String fileKey, String what, Function<String, T> parse) {
        if (m.has(envKey) && m.has(fileKey)) {
            m.conflict(m.entry(envKey).orElseThrow(), m.entry(fileKey).orElseThrow(), "one of " + envKey + ", "
                    + fileKey, values.problems());
            return Optional.empty();
        }
        if (m.has(envKey)) {
            Node n = m.get(envKey).orElseThrow();
            return values.string(n, m.path(envKey)).flatMap(name -> values.parsed(n, m.path(envKey), name, v -> {
                String value = env.apply(v);
                if (value == null || value.isBlank()) {
                    throw new IllegalArgumentException("the environment variable " + v + " is not set (expected: "
                            + what + " in it)");
                }
                return parse.apply(value.strip());
            }));
        }
        if (m.has(fileKey)) {
            Node n = m.get(fileKey).orElseThrow();
            return values.string(n, m.path(fileKey)).flatMap(file -> values.parsed(n, m.path(fileKey), file, f -> {
                Path path = baseDir.resolve(f).normalize();
                try {
                    return parse.apply(Files.readString(path).strip());
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read " + path + ": " + e.getClass().getSimpleName()
                            + " (expected: a file holding " + what + ", readable by Gatehouse)");
                }
            }));
        }
        return Optional.empty();
    }

    /** 32 bytes as 64 hex digits or as base64 (standard or URL-safe). */
    static byte[] key(String text) {
        byte[] key = null;
        if (text.matches("[0-9a-fA-F]{64}")) {
            key = HexFormat.of().parseHex(text);
        } else {
            try {
                key = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                try {
                    key = Base64.getUrlDecoder().decode(text);
                } catch (IllegalArgumentException e2) {
                    // Reported below.
                }
            }
        }
        if (key == null || key.length != Cluster.KEY_BYTES) {
            throw new IllegalArgumentException("the encryption key is " + (key == null ? "neither hex nor base64"
                    : key.length + " bytes") + " (" + KEY_EXPECTED + ")");
        }
        return key;
    }
}
