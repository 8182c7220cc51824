package dev.gatehouse.config;

import dev.gatehouse.config.Compress.Algorithm;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The compress key: its short and long forms, and every mistake reported where it was made. */
class CompressConfigTest {
    private static final Path SOURCE = Path.of("/etc/gatehouse/gatehouse.yaml");

    @Test
    void trueIsTheDefaultsAndARouteReplacesItsSite() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse("""
                sites:
                  a.test:
                    compress: true
                    routes:
                      - path: /api/*
                        compress: { algorithms: [gzip, br], level: { gzip: 9, br: 6 }, min_size: 10kb, types: [application/json, "text/*"] }
                        respond: 200
                      - path: /raw/*
                        compress: false
                        respond: 200
                      - respond: 200
                """, SOURCE);
        Site site = config.sites().get("a.test");

        assertThat(site.stages().get("compress")).isEqualTo(Compress.DEFAULTS);
        Compress api = (Compress) site.routes().get(0).stages().get("compress");
        assertThat(api.algorithms()).containsExactly(Algorithm.GZIP, Algorithm.BROTLI);
        assertThat(api.level(Algorithm.GZIP)).isEqualTo(9);
        assertThat(api.level(Algorithm.BROTLI)).isEqualTo(6);
        assertThat(api.minSize()).isEqualTo(10 * 1024);
        assertThat(api.types()).containsExactly("application/json", "text/*");
        assertThat(((Compress) site.routes().get(1).stages().get("compress")).on()).isFalse();
        assertThat(site.routes().get(2).stages()).doesNotContainKey("compress");
        assertThat(Compress.DEFAULTS.algorithms()).containsExactly(Algorithm.ZSTD, Algorithm.BROTLI, Algorithm.GZIP);
        assertThat(Compress.DEFAULTS.minSize()).isEqualTo(1024);
    }

    @Test
    void oneLevelForEveryAlgorithm() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse("""
                sites:
                  a.test: { compress: { level: 6 }, respond: 200 }
                """, SOURCE);
        Compress c = (Compress) config.sites().get("a.test").stages().get("compress");

        assertThat(Map.of(Algorithm.ZSTD, c.level(Algorithm.ZSTD), Algorithm.BROTLI, c.level(Algorithm.BROTLI),
                Algorithm.GZIP, c.level(Algorithm.GZIP))).containsOnlyKeys(Algorithm.values()).allSatisfy((a, l) ->
                assertThat(l).isEqualTo(6));
    }

    @Test
    void everyMistakeIsReportedAtItsPosition() {
        List<ConfigError> errors = ShapingConfigTest.errors("""
                sites:
                  a.test:
                    compress: yes
                    routes:
                      - compress: { algorithms: [zstd, brotli, gzip, gzip], levle: 3 }
                        respond: 200
                      - compress: { level: 12, min_size: lots, types: [text, "image/*"] }
                        respond: 200
                      - compress: { level: { gzip: 10, lz4: 1 }, algorithms: [] }
                        respond: 200
                """);

        assertThat(errors).extracting(ConfigError::line, ConfigError::column, ConfigError::message).containsExactly(
                tuple(3, 15, "sites.\"a.test\".compress: \"yes\" is not true or false"),
                tuple(5, 40, "sites.\"a.test\".routes[0].compress.algorithms[1]: unknown algorithm \"brotli\" "
                        + "(expected: zstd, br or gzip)"),
                tuple(5, 54, "sites.\"a.test\".routes[0].compress.algorithms[3]: \"gzip\" is listed twice"),
                tuple(5, 61, "sites.\"a.test\".routes[0].compress: unknown key \"levle\""),
                tuple(7, 28, "sites.\"a.test\".routes[1].compress.level: 12 is out of range (expected: 1..9)"),
                tuple(7, 42, "sites.\"a.test\".routes[1].compress.min_size: \"lots\" is not a size (expected: like 512b, 8kb, "
                        + "10mb, 1gb or a number of bytes)"),
                tuple(7, 56, "sites.\"a.test\".routes[1].compress.types[0]: \"text\" is not a media type (expected: "
                        + "like text/html, text/* or application/*+json)"),
                tuple(9, 36, "sites.\"a.test\".routes[2].compress.level.gzip: 10 is out of range (expected: 1..9)"),
                tuple(9, 40, "sites.\"a.test\".routes[2].compress.level: unknown key \"lz4\""),
                tuple(9, 62, "sites.\"a.test\".routes[2].compress.algorithms: no algorithm (expected: zstd, br or "
                        + "gzip, or compress: false)"));
        assertThat(errors.get(1).hint()).contains("did you mean \"br\"?");
        assertThat(errors.get(3).hint()).contains("did you mean \"level\"?");
    }
}
