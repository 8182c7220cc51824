package dev.gatehouse.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * {@code compress}, at a site or a route: responses compressed with the best coding the client accepts. Written
 * {@code compress: true} (zstd, br and gzip, bodies from 1 KiB, the {@link #DEFAULT_TYPES}), {@code false} (off, for
 * a route of a site that compresses), or a map of the settings below, each optional. A route's setting replaces its
 * site's. Off unless given.
 *
 * @param on         false for {@code compress: false}
 * @param algorithms the codings offered, in the server's order of preference for clients that like several
 *                   equally; default zstd, br, gzip
 * @param levels     the level of each coding; default {@link Algorithm#defaultLevel()}
 * @param minSize    smaller bodies are sent as they are; default 1 KiB
 * @param types      the media types compressed: {@code type/subtype}, {@code type/*} or {@code type/*+suffix};
 *                   default {@link #DEFAULT_TYPES}
 */
public record Compress(boolean on, List<Algorithm> algorithms, Map<Algorithm, Integer> levels, long minSize,
                       List<String> types) implements StageConfig {

    /** A content coding Gatehouse can produce. */
    public enum Algorithm {
        ZSTD("zstd", ".zst", 1, 19, 3),
        BROTLI("br", ".br", 0, 11, 4),
        GZIP("gzip", ".gz", 1, 9, 5);

        private final String token;
        private final String suffix;
        private final int minLevel;
        private final int maxLevel;
        private final int defaultLevel;

        Algorithm(String token, String suffix, int minLevel, int maxLevel, int defaultLevel) {
            this.token = token;
            this.suffix = suffix;
            this.minLevel = minLevel;
            this.maxLevel = maxLevel;
            this.defaultLevel = defaultLevel;
        }

        /** The Content-Encoding token, also the name written in the config. */
        public String token() {
            return token;
        }

        /** As written in the config (the admin API's {@code /config} shows it so). */
        public String configName() {
            return token;
        }

        @Override
        public String toString() {
            return token;
        }

        /** The file name suffix of a precompressed sibling ({@code app.js.br}). */
        public String suffix() {
            return suffix;
        }

        /**
         * The default level: moderate, for compression on the fly (zstd 3 is its own default; Brotli 4 and gzip 5
         * give most of the ratio for a fraction of the CPU of their highest levels).
         */
        public int defaultLevel() {
            return defaultLevel;
        }

        static Optional<Algorithm> byToken(String token) {
            return Arrays.stream(values()).filter(a -> a.token.equals(token)).findFirst();
        }
    }

    /** The default size below which a body is not worth compressing (as Caddy and nginx's common settings). */
    public static final long DEFAULT_MIN_SIZE = 1024;

    /** What is compressed by default: text and the text-like types that browsers fetch. */
    public static final List<String> DEFAULT_TYPES = List.of(
            "text/*",
            "application/json", "application/*+json", "application/x-ndjson",
            "application/javascript", "application/x-javascript", "application/ecmascript",
            "application/xml", "application/*+xml", "image/svg+xml",
            "application/wasm",
            "application/x-yaml", "application/yaml", "application/toml",
            "font/ttf", "font/otf", "application/vnd.ms-fontobject",
            "image/x-icon", "image/vnd.microsoft.icon", "image/bmp");

    public static final List<Algorithm> DEFAULT_ALGORITHMS = List.of(Algorithm.ZSTD, Algorithm.BROTLI,
            Algorithm.GZIP);

    /** {@code compress: true}. */
    public static final Compress DEFAULTS = new Compress(true, DEFAULT_ALGORITHMS, defaultLevels(), DEFAULT_MIN_SIZE,
            DEFAULT_TYPES);
    /** {@code compress: false}. */
    public static final Compress OFF = new Compress(false, List.of(), defaultLevels(), DEFAULT_MIN_SIZE,
            DEFAULT_TYPES);

    private static final List<String> KEYS = List.of("algorithms", "level", "min_size", "types");
    private static final String ALGORITHMS_EXPECTED = "expected: zstd, br or gzip";

    public Compress {
        algorithms = List.copyOf(algorithms);
        levels = Map.copyOf(levels);
        types = List.copyOf(types);
    }

    /** The level for {@code algorithm}. */
    public int level(Algorithm algorithm) {
        return levels.getOrDefault(algorithm, algorithm.defaultLevel());
    }

    private static Map<Algorithm, Integer> defaultLevels() {
        Map<Algorithm, Integer> levels = new EnumMap<>(Algorithm.class);
        for (Algorithm a : Algorithm.values()) {
            levels.put(a, a.defaultLevel());
        }
        return levels;
    }

    static Optional<Compress> read(Node node, String path, StageKeys.Reading in) {
        Values values = in.values();
        if (!(node instanceof MappingNode)) {
            return values.bool(node, path).map(on -> on ? DEFAULTS : OFF);
        }
        return YamlMap.fields(node, path, KEYS, in.problems()).flatMap(m -> {
            boolean ok = true;
            List<Algorithm> algorithms = DEFAULT_ALGORITHMS;
            if (m.has("algorithms")) {
                Optional<List<Algorithm>> read = algorithms(m.get("algorithms").orElseThrow(),
                        m.path("algorithms"), values);
                ok &= read.isPresent();
                algorithms = read.orElse(algorithms);
            }
            Map<Algorithm, Integer> levels = defaultLevels();
            if (m.has("level")) {
                ok &= levels(m.get("level").orElseThrow(), m.path("level"), algorithms, levels, values);
            }
            long minSize = DEFAULT_MIN_SIZE;
            if (m.has("min_size")) {
                Optional<Long> size = values.size(m.get("min_size").orElseThrow(), m.path("min_size"));
                ok &= size.isPresent();
                minSize = size.orElse(minSize);
            }
            List<String> types = DEFAULT_TYPES;
            if (m.has("types")) {
                Optional<List<String>> read = types(m.get("types").orElseThrow(), m.path("types"), values);
                ok &= read.isPresent();
                types = read.orElse(types);
            }
            return ok ? Optional.of(new Compress(true, algorithms, levels, minSize, types)) : Optional.empty();
        });
    }

    private static Optional<List<Algorithm>> algorithms(Node node, String path, Values values) {
        List<Node> items = Values.oneOrMany(node);
        if (items.isEmpty()) {
            values.problems().at(node, path, "no algorithm (" + ALGORITHMS_EXPECTED + ", or compress: false)");
            return Optional.empty();
        }
        List<Algorithm> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String itemPath = node instanceof SequenceNode ? YamlNodes.item(path, i) : path;
            Optional<String> text = values.string(item, itemPath);
            if (text.isEmpty()) {
                ok = false;
                continue;
            }
            Optional<Algorithm> a = Algorithm.byToken(text.get().toLowerCase(Locale.ROOT));
            if (a.isEmpty()) {
                String hint = text.get().equalsIgnoreCase("brotli") ? "did you mean \"br\"?"
                        : text.get().equalsIgnoreCase("zstandard") || text.get().equalsIgnoreCase("zst")
                        ? "did you mean \"zstd\"?" : null;
                values.problems().at(item, itemPath, "unknown algorithm \"" + text.get() + "\" ("
                        + ALGORITHMS_EXPECTED + ")", hint);
                ok = false;
            } else if (out.contains(a.get())) {
                values.problems().at(item, itemPath, "\"" + text.get() + "\" is listed twice");
                ok = false;
            } else {
                out.add(a.get());
            }
        }
        return ok ? Optional.of(out) : Optional.empty();
    }

    /** {@code level: 5} (every listed algorithm) or {@code level: { gzip: 6, br: 5, zstd: 3 }}. */
    private static boolean levels(Node node, String path, List<Algorithm> algorithms, Map<Algorithm, Integer> out,
                                  Values values) {
        if (!(node instanceof MappingNode)) {
            int min = algorithms.stream().mapToInt(a -> a.minLevel).max().orElse(1);
            int max = algorithms.stream().mapToInt(a -> a.maxLevel).min().orElse(9);
            String hint = "one level for every algorithm must suit each of them; give one per algorithm like"
                    + " level: { gzip: 6, br: 5, zstd: 3 }";
            Optional<Integer> level = values.integer(node, path, min, max, hint);
            level.ifPresent(l -> algorithms.forEach(a -> out.put(a, l)));
            return level.isPresent();
        }
        List<String> names = Arrays.stream(Algorithm.values()).map(Algorithm::token).toList();
        Optional<YamlMap> map = YamlMap.fields(node, path, names, values.problems());
        if (map.isEmpty()) {
            return false;
        }
        boolean ok = !map.get().hadUnknownKeys();
        for (YamlMap.Entry e : map.get().entries()) {
            Algorithm a = Algorithm.byToken(e.key()).orElseThrow();
            Optional<Integer> level = values.integer(e.value(), map.get().path(e.key()), a.minLevel, a.maxLevel);
            level.ifPresent(l -> out.put(a, l));
            ok &= level.isPresent();
        }
        return ok;
    }

    private static Optional<List<String>> types(Node node, String path, Values values) {
        List<Node> items = Values.oneOrMany(node);
        if (items.isEmpty()) {
            values.problems().at(node, path, "no media type (expected: a list like [text/*, application/json])");
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String itemPath = node instanceof SequenceNode ? YamlNodes.item(path, i) : path;
            Optional<String> text = values.string(item, itemPath);
            if (text.isEmpty()) {
                ok = false;
            } else if (!isTypePattern(text.get())) {
                values.problems().at(item, itemPath, "\"" + text.get() + "\" is not a media type (expected: like"
                        + " text/html, text/* or application/*+json)");
                ok = false;
            } else {
                out.add(text.get().toLowerCase(Locale.ROOT));
            }
        }
        return ok ? Optional.of(out) : Optional.empty();
    }

    /** {@code type/subtype}, {@code type/*} or {@code type/*+suffix}, with RFC 6838 name characters. */
    static boolean isTypePattern(String text) {
        return text.matches("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/(\\*|\\*\\+[A-Za-z0-9!#$&^_.-]{1,64}"
                + "|[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126})");
    }
}
