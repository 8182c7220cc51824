package dev.gatehouse.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Turns the root node into a {@link GatehouseConfig}: the top-level settings here, sites and upstreams in
 * {@link SiteReader} and {@link UpstreamReader}. Bad values are reported and replaced by defaults so that
 * reading continues; the caller discards the result when anything was reported.
 */
final class ConfigReader {
    static final List<String> ROOT_KEYS = List.of("email", "listen", "default_site", "trusted_proxies", "timeouts",
            "limits", "http2", "access_log", "acme", "storage", "admin", "sites", "upstreams", "notify", "cache");
    private static final List<String> HTTP2_KEYS = List.of("max_concurrent_streams", "initial_window",
            "connection_window", "max_frame_size", "max_header_list_size", "header_table_size", "max_resets",
            "reset_window");
    private static final List<String> TIMEOUT_KEYS =
            List.of("connect", "upstream_header", "idle", "client_header", "client_body", "websocket", "shutdown");
    private static final List<String> LIMIT_KEYS = List.of("max_body", "max_uri", "max_headers", "max_connections");
    private static final List<String> ACCESS_LOG_KEYS = List.of("format", "file");
    private static final List<String> ACCESS_LOG_FORMATS = List.of("common", "json");

    private final Path source;
    private final Path baseDir;
    private final Problems problems;
    private final Values values;
    private final ConfigValidator validator;
    private final Function<String, String> env;

    /** @param env environment lookup (null for unset), for settings read from the environment */
    ConfigReader(Path source, Problems problems, ConfigValidator validator, Function<String, String> env) {
        this.source = source;
        Path parent = source.toAbsolutePath().getParent();
        this.baseDir = parent == null ? Path.of("").toAbsolutePath() : parent;
        this.problems = problems;
        this.values = new Values(problems);
        this.validator = validator;
        this.env = env;
    }

    GatehouseConfig read(MappingNode root) {
        YamlMap map = YamlMap.fields(root, "", ROOT_KEYS, problems).orElseThrow();
        Optional<String> email = values.string(map, "email").filter(e -> isEmail(e, map));
        Optional<String> defaultSite = values.string(map, "default_site").map(s -> s.toLowerCase(Locale.ROOT));
        defaultSite.ifPresent(s -> validator.referToSite(s, map.get("default_site").orElseThrow(), "default_site"));
        List<Cidr> trusted = map.get("trusted_proxies").map(n -> values.cidrs(n, "trusted_proxies")).orElse(List.of());
        Optional<Admin> admin = adminReader().read(map);
        AcmeSettings acme = new AcmeReader(values, baseDir).read(map);
        Listen listen = new ListenReader(values).read(section(map, "listen", ListenReader.KEYS));
        admin.ifPresent(a -> checkAdminPort(map, listen, a));
        return new GatehouseConfig(source, listen, email,
                new SiteReader(values, validator, baseDir, acme.dns()).read(map, root),
                defaultSite,
                new UpstreamReader(values, baseDir).read(map),
                timeouts(section(map, "timeouts", TIMEOUT_KEYS)),
                limits(section(map, "limits", LIMIT_KEYS)),
                http2(section(map, "http2", HTTP2_KEYS)),
                trusted, accessLog(map), acme,
                values.string(map, "storage").map(d -> baseDir.resolve(d).normalize())
                        .orElse(baseDir.resolve(GatehouseConfig.DEFAULT_STORAGE)),
                admin, notify(map), new CacheReader(values, baseDir).storage(map));
    }

    /** {@code notify: { webhook: URL }}. */
    private Notify notify(YamlMap root) {
        Optional<YamlMap> m = root.get("notify").flatMap(n -> YamlMap.fields(n, "notify", List.of("webhook"), problems));
        if (m.isEmpty()) {
            return Notify.NONE;
        }
        return new Notify(values.string(m.get(), "webhook").flatMap(url -> {
            try {
                java.net.URI uri = new java.net.URI(url);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                    return Optional.of(uri);
                }
            } catch (java.net.URISyntaxException e) {
                // reported below like any other bad URL
            }
            problems.at(m.get().get("webhook").orElseThrow(), m.get().path("webhook"), "\"" + url
                    + "\" is not an http(s) URL (expected: like https://hooks.example.com/gatehouse)");
            return Optional.empty();
        }));
    }

    /** The admin listener may not take a port a client listener binds on an overlapping address. */
    private void checkAdminPort(YamlMap root, Listen listen, Admin admin) {
        Optional<String> shared = listen.addresses().stream().filter(a -> BindAddresses.overlap(admin.host(), a))
                .findFirst();
        if (admin.port() == 0 || shared.isEmpty()) {
            return;
        }
        String clash = listen.https().isPresent() && listen.https().getAsInt() == admin.port() ? "https"
                : listen.http().isPresent() && listen.http().getAsInt() == admin.port() ? "http" : null;
        if (clash == null) {
            return;
        }
        // The admin section was read (and its problems reported) already: a second look must not report them again.
        Node node = root.get("admin").flatMap(n -> YamlMap.fields(n, "admin", AdminReader.ADMIN_KEYS,
                new Problems(source))).flatMap(a -> a.get("listen")).orElseThrow();
        problems.at(node, "admin.listen", "port " + admin.port() + " is also listen." + clash + "'s port on "
                + shared.get() + (shared.get().equals(admin.host()) ? "" : ", which includes " + admin.host())
                + " (expected: a port of its own, like 2019)");
    }

    AdminReader adminReader() {
        return new AdminReader(values, baseDir, env);
    }

    /** A fixed-key section; absent or malformed reads as empty so every field takes its default. */
    private YamlMap section(YamlMap root, String key, List<String> keys) {
        return root.get(key).flatMap(n -> YamlMap.fields(n, key, keys, problems)).orElse(YamlMap.empty(key));
    }

    private boolean isEmail(String email, YamlMap map) {
        if (email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            return true;
        }
        problems.at(map.get("email").orElseThrow(), "email", "\"" + email + "\" is not an email address "
                + "(expected: like ops@example.com)");
        return false;
    }

    private Timeouts timeouts(YamlMap m) {
        Timeouts d = Timeouts.DEFAULTS;
        return new Timeouts(timeout(m, "connect", d.connect()), timeout(m, "upstream_header", d.upstreamHeader()),
                timeout(m, "idle", d.idle()), timeout(m, "client_header", d.clientHeader()),
                timeout(m, "websocket", d.websocket()), timeout(m, "shutdown", d.shutdown()),
                timeout(m, "client_body", d.clientBody()));
    }

    /** Zero would fail every request at once, so only {@code shutdown} (stop without waiting) may be 0. */
    private Duration timeout(YamlMap m, String key, Duration defaultValue) {
        return m.get(key).flatMap(n -> values.duration(n, m.path(key)).filter(d -> {
            if (!d.isZero() || key.equals("shutdown")) {
                return true;
            }
            problems.at(n, m.path(key), "0 is too short (expected: more than 0, like 10s)");
            return false;
        })).orElse(defaultValue);
    }

    private Limits limits(YamlMap m) {
        Limits d = Limits.DEFAULTS;
        long maxBody = size(m, "max_body", Long.MAX_VALUE).orElse(d.maxBody());
        int maxUri = size(m, "max_uri", Integer.MAX_VALUE).map(Long::intValue).orElse(d.maxUri());
        int maxHeaders = size(m, "max_headers", Integer.MAX_VALUE).map(Long::intValue).orElse(d.maxHeaders());
        int maxConnections = m.get("max_connections").flatMap(n -> values.integer(n, m.path("max_connections"), 1,
                10_000_000)).orElse(d.maxConnections());
        return new Limits(maxBody, maxUri, maxHeaders, maxConnections);
    }

    private Http2 http2(YamlMap m) {
        Http2 d = Http2.DEFAULTS;
        return new Http2(
                m.get("max_concurrent_streams").flatMap(n -> values.integer(n, m.path("max_concurrent_streams"),
                        1, 10_000)).orElse(d.maxConcurrentStreams()),
                sizeIn(m, "initial_window", 1024, Http2.MAX_WINDOW).orElse(d.initialWindow()),
                sizeIn(m, "connection_window", 64 * 1024, Http2.MAX_WINDOW).orElse(d.connectionWindow()),
                sizeIn(m, "max_frame_size", Http2.MIN_FRAME_SIZE, Http2.MAX_FRAME_SIZE).orElse(d.maxFrameSize()),
                sizeIn(m, "max_header_list_size", 0, 1 << 24).orElse(d.maxHeaderListSize()),
                sizeIn(m, "header_table_size", 0, 1 << 20).orElse(d.headerTableSize()),
                m.get("max_resets").flatMap(n -> values.integer(n, m.path("max_resets"), 1, 1_000_000))
                        .orElse(d.maxResets()),
                timeout(m, "reset_window", d.resetWindow()));
    }

    /** A size in {@code min..max} bytes. */
    private Optional<Integer> sizeIn(YamlMap m, String key, int min, int max) {
        return m.get(key).flatMap(n -> values.size(n, m.path(key)).filter(v -> {
            if (v >= min && v <= max) {
                return true;
            }
            problems.at(n, m.path(key), v + " bytes is out of range (expected: " + min + " to " + max + " bytes)");
            return false;
        })).map(Long::intValue);
    }

    private Optional<Long> size(YamlMap m, String key, long max) {
        return m.get(key).flatMap(n -> values.size(n, m.path(key)).filter(v -> {
            if (v <= max) {
                return true;
            }
            problems.at(n, m.path(key), v + " bytes is too large (expected: at most " + max + " bytes)");
            return false;
        }));
    }

    private AccessLog accessLog(YamlMap root) {
        Optional<Node> node = root.get("access_log");
        if (node.isEmpty()) {
            return AccessLog.DEFAULT;
        }
        if (node.get() instanceof ScalarNode s && s.getValue().equals("off")) {
            return new AccessLog(false, AccessLog.DEFAULT.format(), Optional.empty());
        }
        YamlMap m = YamlMap.fields(node.get(), "access_log", ACCESS_LOG_KEYS, problems).orElse(YamlMap.empty(""));
        AccessLog.Format format = values.string(m, "format").flatMap(f -> {
            if (ACCESS_LOG_FORMATS.contains(f)) {
                return Optional.of(AccessLog.Format.valueOf(f.toUpperCase(Locale.ROOT)));
            }
            problems.at(m.get("format").orElseThrow(), m.path("format"), "unknown format \"" + f + "\" "
                    + "(expected: common or json)", KeyHints.closest(f, ACCESS_LOG_FORMATS)
                    .map(c -> "did you mean \"" + c + "\"?").orElse(null));
            return Optional.empty();
        }).orElse(AccessLog.DEFAULT.format());
        Optional<Path> file = values.string(m, "file").flatMap(f -> values.parsed(m.get("file").orElseThrow(),
                m.path("file"), f, text -> baseDir.resolve(text).toAbsolutePath().normalize()));
        return new AccessLog(true, format, file);
    }
}
