package dev.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.acme.Pebble;
import dev.gatehouse.storage.CertificateMeta;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.CertifiedKey;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.TestCertificates;
import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.TlsProbe;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stored certificate that has expired while its meta still plans the renewal for later (a long backoff, a machine
 * that was off, storage copied from elsewhere) is renewed at once, at start and when a reload brings its site back.
 */
@Timeout(60)
class ExpiredStoredCertificateIT {
    private static final String NAME = "expired.test";

    @TempDir
    Path dir;

    @Test
    void renewedAtOnceOnStart() throws Exception {
        int http = freePort();
        try (Pebble pebble = Pebble.builder().httpPort(http).tlsPort(freePort()).start()) {
            CertifiedKey old = storeExpired(pebble);
            try (LogCapture log = LogCapture.of("dev.gatehouse");
                 TestGatehouse gh = TestGatehouse.startListening(listen(http), config(pebble, true), dir)) {
                awaitRenewed(gh.httpsPort(), old, pebble);
                assertThat(log.lines()).anyMatch(l -> l.contains("name=" + NAME + " the stored certificate expired")
                        && l.contains("renewing now"));
            }
        }
    }

    @Test
    void renewedAtOnceWhenAReloadBringsTheSiteBack() throws Exception {
        int http = freePort();
        try (Pebble pebble = Pebble.builder().httpPort(http).tlsPort(freePort()).start()) {
            CertifiedKey old = storeExpired(pebble);
            try (LogCapture log = LogCapture.of("dev.gatehouse");
                 TestGatehouse gh = TestGatehouse.startListening(listen(http), config(pebble, false), dir)) {
                gh.rewrite(config(pebble, true));
                awaitRenewed(gh.httpsPort(), old, pebble);
                assertThat(log.lines()).anyMatch(l -> l.contains("name=" + NAME + " the stored certificate expired"));
            }
        }
    }

    /** An expired certificate for {@link #NAME} whose meta plans its renewal 30 days from now. */
    private CertifiedKey storeExpired(Pebble pebble) throws Exception {
        CertificateStore store = new CertificateStore(new FileStorage(dir.resolve("data")));
        store.open();
        CertifiedKey expired = TestCertificates.expired(Duration.ofDays(2), NAME);
        store.saveCertificate(NAME, expired);
        store.saveMeta(NAME, CertificateMeta.issued(CertificateMeta.Source.ACME, expired, Instant.now())
                .withDirectory(pebble.directory()).withNextRenewal(Instant.now().plus(Duration.ofDays(30))));
        return expired;
    }

    private static void awaitRenewed(int https, CertifiedKey old, Pebble pebble) throws Exception {
        TlsProbe.Trust trust = TlsProbe.trusting(pebble.root());
        X509Certificate leaf = TlsProbe.poll(Duration.ofSeconds(30), () -> {
            try (TlsProbe probe = TlsProbe.connect(https, NAME, trust)) {
                return probe.get(NAME, "/").body().equals("fresh") ? probe.leaf() : null;
            }
        }, cert -> cert != null);
        assertThat(leaf).as("a certificate from pebble for " + NAME + "; pebble log:\n" + pebble.log()).isNotNull();
        assertThat(leaf.getSerialNumber()).isNotEqualTo(old.leaf().getSerialNumber());
        assertThat(leaf.getNotAfter().toInstant()).isAfter(Instant.now());
    }

    private static String listen(int http) {
        return "{ http: " + http + ", https: 0, address: 127.0.0.1 }";
    }

    private static String config(Pebble pebble, boolean withSite) {
        return "email: ops@example.com\n"
                + "acme: { directory: \"" + pebble.directory() + "\", trust: \"" + pebble.trustPem() + "\" }\n"
                + "storage: ./data\n"
                + "sites:\n"
                + "  other.test: { tls: internal, respond: { status: 200, body: \"other\" } }\n"
                + (withSite ? "  " + NAME + ": { tls: acme, respond: { status: 200, body: \"fresh\" } }\n" : "");
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
