package dev.gatehouse.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * The config keys that configure request stages, each with its reader and the places it may be written: the one
 * table a new stage's key is added to. A key written at a site applies to all of its routes; the same key written at
 * a route replaces the site's for that route, or merges with it where the key says so (header rules; see
 * {@code stages.StageCompiler}).
 */
final class StageKeys {

    /** Where a key may be written. */
    enum Level { SITE, SITE_AND_ROUTE }

    /** Reads one key's value; reports problems through {@code in.values()} and returns empty for a bad value. */
    @FunctionalInterface
    interface Reader {
        Optional<? extends StageConfig> read(Node value, String path, Reading in);
    }

    /** What a reader may use: typed values with error positions, and the directory relative paths start from. */
    record Reading(Values values, Path baseDir) {
        Problems problems() {
            return values.problems();
        }
    }

    record Key(String name, Level level, Reader reader) {
    }

    /** Every stage key, in the order they are documented. */
    static final List<Key> ALL = List.of(
            new Key("http", Level.SITE_AND_ROUTE, HttpPolicy::read),
            new Key("hsts", Level.SITE, Hsts::read),
            new Key("allow", Level.SITE_AND_ROUTE, AccessList::read),
            new Key("deny", Level.SITE_AND_ROUTE, AccessList::read),
            new Key("rate_limit", Level.SITE_AND_ROUTE, RateLimits::read),
            new Key("conn_limit", Level.SITE_AND_ROUTE, ConnLimit::read),
            new Key("basic_auth", Level.SITE_AND_ROUTE, BasicAuth::read),
            new Key("forward_auth", Level.SITE_AND_ROUTE, ForwardAuth::read),
            new Key("cache", Level.SITE_AND_ROUTE, CacheRule::read),
            new Key("buffer_requests", Level.SITE_AND_ROUTE, BufferRequests::read),
            new Key("request_headers", Level.SITE_AND_ROUTE, HeaderRules::readRequest),
            new Key("response_headers", Level.SITE_AND_ROUTE, HeaderRules::readResponse));

    private StageKeys() {
    }

    /** The names of the keys allowed at {@code level}. */
    static List<String> names(Level level) {
        return ALL.stream().filter(k -> level == Level.SITE || k.level() == Level.SITE_AND_ROUTE)
                .map(Key::name).toList();
    }

    /** The stage keys present in {@code m} (its other keys are someone else's), in the table's order. */
    static Map<String, StageConfig> read(YamlMap m, Level level, Reading in) {
        Map<String, StageConfig> out = new LinkedHashMap<>();
        for (Key key : ALL) {
            if (level == Level.SITE || key.level() == Level.SITE_AND_ROUTE) {
                m.get(key.name()).flatMap(node -> key.reader().read(node, m.path(key.name()), in))
                        .ifPresent(c -> out.put(key.name(), c));
            }
        }
        return out;
    }
}
