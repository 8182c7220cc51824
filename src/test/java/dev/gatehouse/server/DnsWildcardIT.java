package dev.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.acme.Pebble;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.testing.Knot;
import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.TlsProbe;
import dev.gatehouse.certificates.RenewRequests;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wildcard site gets its certificate over DNS-01 from a real pebble, published in a real Knot server by RFC 2136
 * updates, with both listeners of no use to the CA (http off). A renewal while the DNS server is down fails, is
 * retried with backoff, and the certificate in place goes on being served.
 */
@Timeout(90)
class DnsWildcardIT {
    private static final String LISTEN = "{ http: off, https: 0, address: 127.0.0.1 }";

    @TempDir
    Path dir;

    @Test
    void wildcardSiteServedThenDnsDownKeepsTheCertificate() throws Exception {
        try (Knot knot = Knot.builder().zone("example.com").start();
             Pebble pebble = Pebble.builder().dnsServer(knot.address()).start();
             LogCapture log = LogCapture.of("dev.gatehouse");
             TestGatehouse gh = TestGatehouse.startListening(LISTEN, config(pebble, knot), dir)) {
            TlsProbe.Trust trust = TlsProbe.trusting(pebble.root());
            X509Certificate served = awaitWild(gh.httpsPort(), trust, null, pebble);
            assertThat(served.getSubjectAlternativeNames()).containsExactly(List.of(2, "*.example.com"));
            assertThat(log.lines()).anyMatch(l -> l.contains("name=*.example.com") && l.contains("challenge=dns-01 valid"));
            assertThat(knot.txt("_acme-challenge.example.com")).isEmpty();

            knot.stop();
            RenewRequests.request(new CertificateStore(new FileStorage(dir.resolve("data"))), "*.example.com");

            String failed = log.await(l -> l.contains("ACME order failed"), Duration.ofSeconds(30));
            assertThat(failed).as("log after a renewal with the DNS server down").isNotNull()
                    .contains("name=*.example.com", "keeping the current certificate", "retry at",
                            "challenge=dns-01", "server=" + knot.address())
                    .containsAnyOf("port unreachable", "connection refused", "timeout");
            assertThat(TlsProbe.leaf(gh.httpsPort(), "b.example.com", trust).getSerialNumber())
                    .isEqualTo(served.getSerialNumber());
        }
    }

    @Test
    void wildcardSiteWithItsApexAsAliasGetsOneCertificateForBoth() throws Exception {
        oneCertificateForWildcardAndApex("""
                  "*.example.com": { aliases: [example.com], respond: { status: 200, body: "site" } }
                """);
    }

    @Test
    void apexSiteWithTheWildcardAsAliasGetsOneCertificateForBoth() throws Exception {
        oneCertificateForWildcardAndApex("""
                  example.com: { aliases: ["*.example.com"], respond: { status: 200, body: "site" } }
                """);
    }

    /**
     * The https listener could answer TLS-ALPN-01 for the apex, but the order needs DNS-01 for the wildcard anyway:
     * both names go over DNS-01, two TXT values at one name, in one order.
     */
    private void oneCertificateForWildcardAndApex(String site) throws Exception {
        try (Knot knot = Knot.builder().zone("example.com", "_acme-challenge TXT \"someone-else\"").start();
             Pebble pebble = Pebble.builder().dnsServer(knot.address()).start();
             LogCapture log = LogCapture.of("dev.gatehouse");
             TestGatehouse gh = TestGatehouse.startListening(LISTEN, sites(pebble, knot, site), dir)) {
            TlsProbe.Trust trust = TlsProbe.trusting(pebble.root());
            X509Certificate served = TlsProbe.poll(Duration.ofSeconds(40), () -> {
                try (TlsProbe probe = TlsProbe.connect(gh.httpsPort(), "example.com", trust)) {
                    return probe.get("example.com", "/").body().equals("site") ? probe.leaf() : null;
                }
            }, cert -> cert != null);
            assertThat(served).as("certificate for example.com; pebble log:\n" + pebble.log()).isNotNull();

            assertThat(served.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
                    List.of(2, "*.example.com"), List.of(2, "example.com"));
            try (TlsProbe probe = TlsProbe.connect(gh.httpsPort(), "a.example.com", trust)) {
                assertThat(probe.leaf().getSerialNumber()).isEqualTo(served.getSerialNumber());
                assertThat(probe.get("a.example.com", "/").body()).isEqualTo("site");
            }
            List<String> lines = log.lines();
            assertThat(lines.stream().filter(l -> l.contains("ordering")).toList()).as("orders placed")
                    .hasSize(1).allMatch(l -> l.contains("name=*.example.com,example.com")
                            || l.contains("name=example.com,*.example.com"));
            assertThat(lines.stream().filter(l -> l.contains("at _acme-challenge.example.com added")).toList())
                    .as("TXT values published").hasSize(2);
            assertThat(lines).anyMatch(l -> l.contains("name=*.example.com ") && l.contains("challenge=dns-01 valid"))
                    .anyMatch(l -> l.contains("name=example.com ") && l.contains("challenge=dns-01 valid"))
                    .noneMatch(l -> l.contains("challenge=tls-alpn-01"));
            assertThat(knot.txt("_acme-challenge.example.com")).as("after the order").containsExactly("someone-else");
        }
    }

    private static String config(Pebble pebble, Knot knot) {
        return sites(pebble, knot, """
                  "*.example.com": { respond: { status: 200, body: "wild" } }
                """);
    }

    private static String sites(Pebble pebble, Knot knot, String sites) {
        return """
                email: ops@example.com
                storage: ./data
                acme:
                  directory: "%s"
                  trust: "%s"
                """.formatted(pebble.directory(), pebble.trustPem()) + knot.acmeDnsYaml() + "sites:\n" + sites;
    }

    /** Polls until a name under the wildcard answers "wild" with a certificate other than {@code old}. */
    private static X509Certificate awaitWild(int port, TlsProbe.Trust trust, BigInteger old, Pebble pebble)
            throws Exception {
        X509Certificate leaf = TlsProbe.poll(Duration.ofSeconds(30), () -> {
            try (TlsProbe probe = TlsProbe.connect(port, "a.example.com", trust)) {
                return probe.get("a.example.com", "/").body().equals("wild") ? probe.leaf() : null;
            }
        }, cert -> cert != null && !cert.getSerialNumber().equals(old));
        assertThat(leaf).as("certificate for *.example.com; pebble log:\n" + pebble.log()).isNotNull();
        return leaf;
    }
}
