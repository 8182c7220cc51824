package dev.gatehouse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Durations, Sizes, HostPort and KeyHints: the small parsers behind config messages. */
class ValueParsersTest {

    @Test
    void durations() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("365d")).isEqualTo(Duration.ofDays(365));
        assertThatThrownBy(() -> Durations.parse("5 s"))
                .hasMessage("\"5 s\" is not a duration (expected: like 500ms, 10s, 5m, 1h, 365d)");
        assertThatThrownBy(() -> Durations.parse("5M")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parse("10")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parse("999999999999999d")).hasMessageContaining("too long");
    }

    @Test
    void sizes() {
        assertThat(Sizes.parse("512")).isEqualTo(512);
        assertThat(Sizes.parse("512b")).isEqualTo(512);
        assertThat(Sizes.parse("8kb")).isEqualTo(8 * 1024);
        assertThat(Sizes.parse("10MB")).isEqualTo(10L << 20);
        assertThat(Sizes.parse("1gb")).isEqualTo(1L << 30);
        assertThatThrownBy(() -> Sizes.parse("8 kb")).hasMessageStartingWith("\"8 kb\" is not a size");
        assertThatThrownBy(() -> Sizes.parse("1tb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sizes.parse("999999999999999999gb")).hasMessageContaining("too large");
    }

    @Test
    void hostPorts() {
        assertThat(HostPort.parse("127.0.0.1:80")).isEqualTo(new HostPort("127.0.0.1", 80));
        assertThat(HostPort.parse("[::1]:8081")).isEqualTo(new HostPort("::1", 8081));
        assertThat(HostPort.parse("app_1.internal:9000")).isEqualTo(new HostPort("app_1.internal", 9000));
        assertThatThrownBy(() -> HostPort.parse("::1:8081")).hasMessageContaining("is not host:port");
        assertThatThrownBy(() -> HostPort.parse("localhost")).hasMessageContaining("is not host:port");
        assertThatThrownBy(() -> HostPort.parse("[::1]8081")).hasMessageContaining("is not host:port");
        assertThatThrownBy(() -> HostPort.parse("host:65536")).hasMessageContaining("port 65536 is out of range");
        assertThatThrownBy(() -> HostPort.parse(":80")).hasMessageContaining("is not host:port");
    }

    @Test
    void keyHints() {
        List<String> keys = List.of("upstream", "redirect", "respond", "files");
        assertThat(KeyHints.closest("upstram", keys)).contains("upstream");
        assertThat(KeyHints.closest("Upstream", keys)).contains("upstream");
        assertThat(KeyHints.closest("respnod", keys)).contains("respond");
        assertThat(KeyHints.closest("proxy", keys)).isEmpty();
        assertThat(KeyHints.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(KeyHints.distance("idel", "idle")).isEqualTo(1);
        assertThat(KeyHints.distance("", "abc")).isEqualTo(3);
    }
}
