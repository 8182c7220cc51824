package dev.gatehouse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code http2:} settings and {@code listen.h2c}: defaults, values, and errors with their positions. */
class Http2ConfigTest {
    private static final Path SOURCE = Path.of("/etc/gatehouse/gatehouse.yaml");
    private static final String SITE = "sites:\n  example.com: { respond: 204 }\n";

    @Test
    void defaultsAreSafeAndH2cIsOff() throws Exception {
        GatehouseConfig config = ConfigLoader.parse(SITE, SOURCE);
        assertThat(config.http2()).isEqualTo(Http2.DEFAULTS);
        assertThat(config.http2().maxConcurrentStreams()).isEqualTo(100);
        assertThat(config.http2().maxFrameSize()).isEqualTo(16 * 1024);
        assertThat(config.http2().headerListSize(config.limits())).isEqualTo(config.limits().maxHeaders());
        assertThat(config.listen().h2c()).isFalse();
    }

    @Test
    void everyKeyIsRead() throws Exception {
        GatehouseConfig config = ConfigLoader.parse(SITE + """
                listen: { http: 8080, h2c: true }
                http2:
                  max_concurrent_streams: 50
                  initial_window: 128kb
                  connection_window: 4mb
                  max_frame_size: 32kb
                  max_header_list_size: 16kb
                  header_table_size: 8kb
                  max_resets: 20
                  reset_window: 10s
                """, SOURCE);
        assertThat(config.listen().h2c()).isTrue();
        assertThat(config.http2()).isEqualTo(new Http2(50, 128 * 1024, 4 << 20, 32 * 1024, 16 * 1024, 8 * 1024,
                20, Duration.ofSeconds(10)));
        assertThat(config.http2().headerListSize(config.limits())).isEqualTo(16 * 1024);
    }

    @Test
    void badValuesAreReportedWithTheirPositions() {
        List<ConfigError> errors = errors(SITE + """
                listen: { http: 8080, h2c: yes }
                http2:
                  max_concurrent_streams: 0
                  max_frame_size: 1kb
                  initial_window: lots
                  max_resets: -1
                  reset_window: 0s
                  max_streams: 10
                """);
        assertThat(errors).extracting(ConfigError::line, ConfigError::column).containsExactlyInAnyOrder(
                tuple(3, 28), tuple(5, 27), tuple(6, 19), tuple(7, 19), tuple(8, 15), tuple(9, 17), tuple(10, 3));
        assertThat(errors).extracting(ConfigError::message).anySatisfy(m -> assertThat(m)
                .isEqualTo("listen.h2c: \"yes\" is not true or false"));
        assertThat(errors).extracting(ConfigError::message).anySatisfy(m -> assertThat(m)
                .contains("http2.max_frame_size").contains("expected: 16384 to 16777215 bytes"));
        assertThat(errors).extracting(ConfigError::message).anySatisfy(m -> assertThat(m)
                .contains("http2: unknown key \"max_streams\""));
    }

    @Test
    void h2cNeedsThePlainListener() {
        ConfigError error = errors(SITE + "listen: { http: off, h2c: true }\n").get(0);
        assertThat(error.message()).isEqualTo("listen.h2c: h2c needs the plain http listener "
                + "(expected: an http port, or no h2c)");
        assertThat(error.line()).isEqualTo(3);
    }

    private static List<ConfigError> errors(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, SOURCE));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        return e.errors();
    }
}
