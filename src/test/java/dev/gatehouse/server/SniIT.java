package dev.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.storage.CertifiedKey;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.Pem;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.TlsProbe;
import dev.gatehouse.certificates.LocalCa;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Certificate selection by SNI through Gatehouse's HTTPS listener, with the user's own certificate files. */
@Timeout(60)
class SniIT {
    private static final String LISTEN = "{ http: 0, https: 0, address: 127.0.0.1 }";

    @TempDir
    Path dir;

    private TlsProbe.Trust trust;
    private BigInteger one;
    private BigInteger two;
    private BigInteger wildcard;

    @BeforeEach
    void certificates() throws Exception {
        LocalCa ca = LocalCa.loadOrCreate(new CertificateStore(new FileStorage(dir.resolve("test-ca"))), Clock.systemUTC());
        trust = TlsProbe.trusting(ca.root().leaf());
        one = write(ca.issue(List.of("one.test")), "one");
        two = write(ca.issue(List.of("two.test")), "two");
        wildcard = write(ca.issue(List.of("*.example.test")), "wildcard");
    }

    private BigInteger write(CertifiedKey certificate, String name) throws IOException {
        Files.writeString(dir.resolve(name + ".pem"), Pem.writeCertificates(certificate.chain()));
        Files.writeString(dir.resolve(name + ".key"), Pem.writePrivateKey(certificate.key()));
        return certificate.leaf().getSerialNumber();
    }

    private static String sites(String extra) {
        return extra + """
                sites:
                  one.test: { tls: { cert: one.pem, key: one.key }, respond: { status: 200, body: "one" } }
                  two.test: { tls: { cert: two.pem, key: two.key }, respond: { status: 200, body: "two" } }
                  "*.example.test":
                    tls: { cert: wildcard.pem, key: wildcard.key }
                    respond: { status: 200, body: "wildcard" }
                """;
    }

    @Test
    void eachNameGetsItsOwnCertificateAndUnknownNamesAreRefused() throws Exception {
        try (TestGatehouse gh = TestGatehouse.startListening(LISTEN, sites(""), dir)) {
            int port = gh.httpsPort();
            assertThat(TlsProbe.leaf(port, "one.test", trust).getSerialNumber()).isEqualTo(one);
            assertThat(TlsProbe.leaf(port, "two.test", trust).getSerialNumber()).isEqualTo(two);
            assertThat(TlsProbe.leaf(port, "a.example.test", trust).getSerialNumber()).isEqualTo(wildcard);
            assertThat(TlsProbe.get(port, "a.example.test", trust, "a.example.test", "/").body()).isEqualTo("wildcard");
            assertThat(TlsProbe.get(port, "two.test", trust, "two.test", "/").body()).isEqualTo("two");

            // A wildcard covers one label only (RFC 6125 section 6.4.3); no default: the handshake is refused.
            assertThatThrownBy(() -> TlsProbe.leaf(port, "a.b.example.test", trust)).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> TlsProbe.leaf(port, "unknown.test", trust)).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> TlsProbe.leaf(port, null, trust)).isInstanceOf(IOException.class);

            // ... and the server goes on serving the others.
            assertThat(TlsProbe.get(port, "one.test", trust, "one.test", "/").body()).isEqualTo("one");
        }
    }

    @Test
    void unknownNamesGetTheDefaultSitesCertificate() throws Exception {
        try (TestGatehouse gh = TestGatehouse.startListening(LISTEN, sites("default_site: two.test\n"), dir)) {
            int port = gh.httpsPort();
            assertThat(TlsProbe.leaf(port, "unknown.test", trust).getSerialNumber()).isEqualTo(two);
            assertThat(TlsProbe.leaf(port, "a.b.example.test", trust).getSerialNumber()).isEqualTo(two);
            assertThat(TlsProbe.leaf(port, null, trust).getSerialNumber()).as("no SNI at all").isEqualTo(two);
            assertThat(TlsProbe.leaf(port, "one.test", trust).getSerialNumber()).isEqualTo(one);
            assertThat(TlsProbe.leaf(port, "b.example.test", trust).getSerialNumber()).isEqualTo(wildcard);
        }
    }
}
