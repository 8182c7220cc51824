package dev.gatehouse.http;

import dev.gatehouse.config.Cidr;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RequestIdsTest {
    private static final List<Cidr> TRUSTED = List.of(Cidr.parse("10.0.0.0/8"));

    @Test
    void generatedIdsAreSixteenHexDigitsAndDiffer() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestIds.generate();
            assertThat(id).matches("[0-9a-f]{16}");
            seen.add(id);
        }
        assertThat(seen).hasSize(10_000);
    }

    @Test
    void anIdFromATrustedProxyIsKeptWhenSane() throws Exception {
        HttpHeaders h = new DefaultHttpHeaders().set("X-Request-Id", "edge-42/abc");
        assertThat(RequestIds.of(h, InetAddress.getByName("10.1.2.3"), TRUSTED)).isEqualTo("edge-42/abc");
        assertThat(RequestIds.of(h, InetAddress.getByName("192.0.2.7"), TRUSTED)).matches("[0-9a-f]{16}");
        assertThat(RequestIds.of(new DefaultHttpHeaders(), InetAddress.getByName("10.1.2.3"), TRUSTED))
                .matches("[0-9a-f]{16}");
    }

    @Test
    void insaneIdsAreReplacedEvenFromATrustedProxy() throws Exception {
        InetAddress proxy = InetAddress.getByName("10.1.2.3");
        for (String bad : List.of("", "has space", "x".repeat(201), "caf\u00e9", "tab\there")) {
            HttpHeaders h = new DefaultHttpHeaders(false).set("X-Request-Id", bad);
            assertThat(RequestIds.of(h, proxy, TRUSTED)).as(bad).matches("[0-9a-f]{16}");
        }
        assertThat(RequestIds.isSane("x".repeat(200))).isTrue();
        assertThat(RequestIds.isSane("a\"b")).isTrue(); // visible ASCII; logs quote or escape it
    }
}
