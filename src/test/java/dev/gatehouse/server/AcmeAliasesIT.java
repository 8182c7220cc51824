package dev.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.acme.Pebble;
import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.TlsProbe;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site with aliases gets one certificate carrying all its names in one order from a real pebble, each name validated
 * through Gatehouse's own listeners (HTTP-01 on the plain one, TLS-ALPN-01 on the HTTPS one), and every name is then
 * served that certificate by SNI and routed to the site.
 */
@Timeout(60)
class AcmeAliasesIT {
    private static final List<String> NAMES = List.of("app.test", "www.app.test", "api.app.test");
    private static final String SITES = """
            sites:
              app.test: { tls: acme, aliases: [www.app.test, api.app.test], respond: { status: 200, body: "app" } }
              other.test: { tls: internal, respond: { status: 200, body: "other" } }
            """;

    @TempDir
    Path dir;

    @Test
    void http01ValidatesEveryNameOfOneOrder() throws Exception {
        int http = freePort();
        int https = freePort();
        try (Pebble pebble = Pebble.builder().httpPort(http).tlsPort(freePort()).start()) {
            servedForEveryName("{ http: " + http + ", https: " + https + ", address: 127.0.0.1 }", https, pebble,
                    "http-01");
        }
    }

    @Test
    void tlsAlpn01ValidatesEveryNameOfOneOrder() throws Exception {
        int https = freePort();
        try (Pebble pebble = Pebble.builder().httpPort(freePort()).tlsPort(https).start()) {
            servedForEveryName("{ http: off, https: " + https + ", address: 127.0.0.1 }", https, pebble,
                    "tls-alpn-01");
        }
    }

    private void servedForEveryName(String listen, int https, Pebble pebble, String challenge) throws Exception {
        String config = "email: ops@example.com\n"
                + "acme: { directory: \"" + pebble.directory() + "\", trust: \"" + pebble.trustPem() + "\" }\n"
                + "storage: ./data\n" + SITES;
        try (LogCapture log = LogCapture.of("dev.gatehouse.acme");
             TestGatehouse gh = TestGatehouse.startListening(listen, config, dir)) {
            TlsProbe.Trust trust = TlsProbe.trusting(pebble.root());
            X509Certificate first = TlsProbe.poll(Duration.ofSeconds(40), () -> {
                try (TlsProbe probe = TlsProbe.connect(https, "app.test", trust)) {
                    return probe.get("app.test", "/").body().equals("app") ? probe.leaf() : null;
                }
            }, cert -> cert != null);
            assertThat(first).as("certificate for app.test; pebble log:\n" + pebble.log()).isNotNull();
            assertThat(first.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
                    List.of(2, "app.test"), List.of(2, "www.app.test"), List.of(2, "api.app.test"));

            for (String name : NAMES) {
                // The names of one certificate switch to it one after another, a moment apart.
                X509Certificate served = TlsProbe.poll(Duration.ofSeconds(10), () -> {
                    try (TlsProbe probe = TlsProbe.connect(https, name, trust)) {
                        return probe.leaf();
                    }
                }, cert -> cert != null && cert.getSerialNumber().equals(first.getSerialNumber()));
                assertThat(served).as("certificate served for " + name).isNotNull();
                try (TlsProbe probe = TlsProbe.connect(https, name, trust)) {
                    assertThat(probe.leaf().getSerialNumber()).as("certificate served for " + name)
                            .isEqualTo(first.getSerialNumber());
                    assertThat(probe.get(name, "/").body()).as("answer for " + name).isEqualTo("app");
                }
                assertThat(log.lines()).as("validation of " + name)
                        .anyMatch(l -> l.contains("name=" + name + " ") && l.contains("challenge=" + challenge + " valid"));
            }
            assertThat(log.lines().stream().filter(l -> l.contains(" ordering")).toList()).as("orders placed")
                    .hasSize(1).allMatch(l -> l.contains("name=app.test,www.app.test,api.app.test "));
            try (TlsProbe probe = TlsProbe.connect(https, "other.test", TlsProbe.trusting(dir.resolve("data/local-ca/root.pem")))) {
                assertThat(probe.get("other.test", "/").body()).as("a site beside it").isEqualTo("other");
            }
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
