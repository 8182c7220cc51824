package dev.gatehouse.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/** The top-level {@code cache:} section and a site's or route's {@code cache:} setting. */
class CacheConfigTest {
    private final Problems problems = new Problems(Path.of("gatehouse.yaml"));
    private final CacheReader reader = new CacheReader(new Values(problems), Path.of("/srv"));

    private String all() {
        return problems.sorted().toString();
    }

    private static Node yaml(String text) {
        LoadSettings settings = LoadSettings.builder().build();
        return new Composer(settings, new ParserImpl(settings, new StreamReader(settings, text))).getSingleNode()
                .orElseThrow();
    }

    private CacheStorage storage(String text) {
        YamlMap root = YamlMap.fields(yaml(text), "", ConfigReader.ROOT_KEYS, problems).orElseThrow();
        return reader.storage(root);
    }

    private Optional<CacheRule> rule(String text) {
        MappingNode m = (MappingNode) yaml("cache: " + text);
        return reader.rule(m.getValue().get(0).getValueNode(), "sites.a.cache");
    }

    @Test
    @DisplayName("storage defaults: 64mb in memory, 8mb objects, no disk")
    void storageDefaults() {
        assertThat(storage("email: a@b.c")).isEqualTo(CacheStorage.DEFAULTS);
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    @DisplayName("cache: { memory, disk: { path, max_size }, max_object }")
    void storage() {
        CacheStorage s = storage("cache: { memory: 256mb, disk: { path: ./cache, max_size: 10gb }, max_object: 1mb }");
        assertThat(s.memory()).isEqualTo(256L << 20);
        assertThat(s.maxObject()).isEqualTo(1L << 20);
        assertThat(s.disk()).contains(new CacheStorage.Disk(Path.of("/srv/cache"), 10L << 30));
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    @DisplayName("bad storage settings are reported with positions and what was expected")
    void storageErrors() {
        storage("cache: { memory: 10kb, disk: { path: ./c }, max_objekt: 1mb }");
        String all = all();
        assertThat(all).contains("10240 bytes is too small (expected: at least 1mb")
                .contains("no max_size (expected: both path and max_size")
                .contains("unknown key \"max_objekt\"");
        assertThat(problems.sorted()).hasSize(3);
    }

    @Test
    @DisplayName("cache: true at the top is refused with a hint to put it on a site")
    void topLevelTrue() {
        storage("cache: true");
        assertThat(all()).contains("expected a map of where the cache stores responses")
                .contains("cache: true under it");
    }

    @Test
    @DisplayName("a site's cache: true, false or a map")
    void rules() {
        assertThat(rule("true")).contains(CacheRule.DEFAULTS);
        assertThat(rule("false")).contains(CacheRule.OFF);
        assertThat(CacheRule.OFF.on()).isFalse();
        assertThat(CacheRule.DEFAULTS.staleIfUnreachable()).isEqualTo(Duration.ofHours(1));
        CacheRule r = rule("{ stale_while_revalidate: 30s, stale_if_error: 1d, stale_if_unreachable: 0s, heuristic: 10%, "
                + "tags: [X-Tag], "
                + "set_cookie: strip, request_directives: false, coalesce: { wait: 2s, max_waiters: 50 } }")
                .orElseThrow();
        assertThat(r.staleWhileRevalidate()).isEqualTo(Duration.ofSeconds(30));
        assertThat(r.staleIfError()).isEqualTo(Duration.ofDays(1));
        assertThat(r.staleIfUnreachable()).isZero();
        assertThat(r.heuristic()).isEqualTo(new CacheRule.Heuristic(10, Duration.ZERO));
        assertThat(r.tagHeaders()).isEqualTo(List.of("x-tag"));
        assertThat(r.setCookie()).isEqualTo(CacheRule.SetCookie.STRIP);
        assertThat(r.requestDirectives()).isFalse();
        assertThat(r.coalesceWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(r.maxWaiters()).isEqualTo(50);
        assertThat(rule("{ heuristic: 5m, coalesce: off }").orElseThrow())
                .satisfies(x -> assertThat(x.heuristic().lifetime()).isEqualTo(Duration.ofMinutes(5)))
                .satisfies(x -> assertThat(x.coalesceWait()).isZero());
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    @DisplayName("bad cache settings name what was expected, with the closest valid value")
    void ruleErrors() {
        rule("{ heuristic: 200%, set_cookie: stor, tags: [\"bad name\"], disk: { path: x } }");
        String all = all();
        assertThat(all).contains("\"200%\" is not a heuristic (expected: off, a share")
                .contains("unknown set_cookie \"stor\" (expected: bypass, strip, store)")
                .contains("did you mean \"store\"?")
                .contains("\"bad name\" is not a header field name")
                .contains("unknown key \"disk\"");
        rule("sometimes");
        assertThat(all()).contains("\"sometimes\" is not true or false");
    }
}
