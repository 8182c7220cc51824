package dev.gatehouse.certificates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.storage.Pem;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.TlsProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several names on one certificate and two key types per site, through Gatehouse's HTTPS listener with real clients:
 * the JDK, openssl s_client offering only RSA or only ECDSA signature algorithms, and curl limited to RSA or ECDSA
 * cipher suites. Certificates come from the local CA, so no ACME server is involved.
 */
@Timeout(90)
class SiteNamesIT {
    private static final String LISTEN = "{ http: 0, https: 0, address: 127.0.0.1 }";
    private static final String SITES = """
            sites:
              app.test:
                aliases: [www.app.test]
                tls: { key_type: [ecdsa-p256, rsa2048] }
                respond: { status: 200, body: "app" }
              "*.app.test": { respond: { status: 200, body: "wildcard" } }
              rsa.test: { tls: { key_type: rsa3072 }, respond: { status: 200, body: "rsa" } }
            """;

    @TempDir
    Path dir;

    @Test
    void oneCertificateCarriesTheAliasWhichIsRoutedLikeTheSiteAndWinsOverTheWildcard() throws Exception {
        try (TestGatehouse gh = TestGatehouse.startListening(LISTEN, SITES, dir)) {
            int port = gh.httpsPort();
            TlsProbe.Trust trust = TlsProbe.trusting(dir.resolve("data/local-ca/root.pem"));

            X509Certificate site = TlsProbe.leaf(port, "app.test", trust);
            X509Certificate alias = TlsProbe.leaf(port, "www.app.test", trust);
            assertThat(alias.getSerialNumber()).as("the alias gets the site's certificate, not the wildcard's")
                    .isEqualTo(site.getSerialNumber());
            assertThat(names(site)).containsExactly("app.test", "www.app.test");
            assertThat(TlsProbe.get(port, "www.app.test", trust, "www.app.test", "/").body()).isEqualTo("app");
            assertThat(TlsProbe.get(port, "app.test", trust, "app.test", "/").body()).isEqualTo("app");

            X509Certificate other = TlsProbe.leaf(port, "other.app.test", trust);
            assertThat(names(other)).containsExactly("*.app.test");
            assertThat(TlsProbe.get(port, "other.app.test", trust, "other.app.test", "/").body()).isEqualTo("wildcard");

            assertThat(TlsProbe.leaf(port, "rsa.test", trust).getPublicKey()).isInstanceOfSatisfying(RSAPublicKey.class,
                    k -> assertThat(k.getModulus().bitLength()).isEqualTo(3072));
        }
    }

    @Test
    void opensslGetsTheCertificateOfTheSignatureAlgorithmsItOffers() throws Exception {
        try (TestGatehouse gh = TestGatehouse.startListening(LISTEN, SITES, dir)) {
            int port = gh.httpsPort();

            X509Certificate rsa = opensslLeaf(port, "www.app.test", "RSA-PSS+SHA256:RSA+SHA256");
            X509Certificate ecdsa = opensslLeaf(port, "www.app.test", "ECDSA+SHA256");
            X509Certificate any = opensslLeaf(port, "www.app.test", null);

            assertThat(rsa.getPublicKey()).isInstanceOfSatisfying(RSAPublicKey.class,
                    k -> assertThat(k.getModulus().bitLength()).isEqualTo(2048));
            assertThat(names(rsa)).containsExactly("app.test", "www.app.test");
            assertThat(ecdsa.getPublicKey()).isInstanceOf(ECPublicKey.class);
            assertThat(names(ecdsa)).containsExactly("app.test", "www.app.test");
            assertThat(any.getPublicKey()).as("a client that takes both gets ECDSA").isInstanceOf(ECPublicKey.class);
        }
    }

    @Test
    void curlWithRsaOrEcdsaCipherSuitesOnlyIsServedAndVerifies() throws Exception {
        try (TestGatehouse gh = TestGatehouse.startListening(LISTEN, SITES, dir)) {
            int port = gh.httpsPort();

            String rsa = curl(port, "www.app.test", "ECDHE-RSA-AES128-GCM-SHA256");
            String ecdsa = curl(port, "www.app.test", "ECDHE-ECDSA-AES128-GCM-SHA256");

            assertThat(rsa).contains("ECDHE-RSA-AES128-GCM-SHA256").endsWith("app");
            assertThat(ecdsa).contains("ECDHE-ECDSA-AES128-GCM-SHA256").endsWith("app");
        }
    }

    private static List<String> names(X509Certificate certificate) throws Exception {
        List<String> out = new ArrayList<>();
        for (List<?> san : certificate.getSubjectAlternativeNames()) {
            out.add(String.valueOf(san.get(1)));
        }
        return out;
    }

    /** The leaf openssl s_client receives offering only {@code sigalgs} (TLS 1.3), or its defaults when null. */
    private static X509Certificate opensslLeaf(int port, String sni, String sigalgs) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", sni, "-tls1_3"));
        if (sigalgs != null) {
            command.addAll(List.of("-sigalgs", sigalgs));
        }
        String out = run(command, "openssl");
        int begin = out.indexOf("-----BEGIN CERTIFICATE-----");
        int end = out.indexOf("-----END CERTIFICATE-----");
        assertThat(begin).as("openssl output:\n" + out).isNotNegative();
        return Pem.readCertificates(out.substring(begin, end + "-----END CERTIFICATE-----".length())).get(0);
    }

    /** curl over TLS 1.2 with one cipher suite, verifying against the local CA: its verbose log and the body. */
    private String curl(int port, String host, String cipher) throws Exception {
        return run(List.of("curl", "-sS", "-v", "--max-time", "10", "--tls-max", "1.2", "--ciphers", cipher,
                "--cacert", dir.resolve("data/local-ca/root.pem").toString(),
                "--resolve", host + ":" + port + ":127.0.0.1", "https://" + host + ":" + port + "/"), "curl");
    }

    private static String run(List<String> command, String tool) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError(tool + " is needed for this test: apt-get install " + tool, e);
        }
        try {
            process.getOutputStream().close(); // s_client quits at end of input
            byte[] out = process.getInputStream().readAllBytes();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            String text = new String(out, StandardCharsets.UTF_8).strip();
            assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + text).isZero();
            return text;
        } finally {
            process.destroyForcibly();
        }
    }
}
