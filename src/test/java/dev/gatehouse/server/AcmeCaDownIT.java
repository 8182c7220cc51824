package dev.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.storage.CertificateMeta;
import dev.gatehouse.storage.CertifiedKey;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.TlsProbe;
import dev.gatehouse.certificates.LocalCa;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An ACME CA that does not answer: Gatehouse starts, serves what it can, says why, and retries later. */
@Timeout(60)
class AcmeCaDownIT {
    private static final String LISTEN = "{ http: 0, https: 0, address: 127.0.0.1 }";

    @TempDir
    Path dir;

    private static String config(int caPort, String acmeSite) {
        return "email: ops@example.com\n"
                + "acme: { directory: \"https://127.0.0.1:" + caPort + "/dir\" }\n"
                + "storage: ./data\n"
                + "sites:\n"
                + "  localhost: { respond: { status: 200, body: \"local\" } }\n"
                + "  " + acmeSite + ": { tls: acme, respond: { status: 200, body: \"acme\" } }\n";
    }

    @Test
    void otherSitesAreServedAndTheFailureIsLoggedAndRecordedWithBackoff() throws Exception {
        int caPort = closedPort();
        try (LogCapture log = LogCapture.of("dev.gatehouse.certificates");
             TestGatehouse gh = TestGatehouse.startListening(LISTEN, config(caPort, "down.example.com"), dir)) {
            String error = log.await(l -> l.startsWith("ERROR") && l.contains("down.example.com"), Duration.ofSeconds(20));
            assertThat(error).as("error log naming the site; all lines: " + log.lines()).isNotNull();
            assertThat(error).contains("127.0.0.1:" + caPort);

            TlsProbe.Trust trust = TlsProbe.trusting(dir.resolve("data/local-ca/root.pem"));
            assertThat(TlsProbe.get(gh.httpsPort(), "localhost", trust, "localhost", "/").body()).isEqualTo("local");

            CertificateMeta meta = new CertificateStore(new FileStorage(dir.resolve("data"))).loadMeta("down.example.com").orElseThrow();
            assertThat(meta.lastError()).hasValueSatisfying(e -> assertThat(e).contains("127.0.0.1:" + caPort));
            assertThat(meta.nextRenewal()).hasValueSatisfying(next -> assertThat(next).isAfter(Instant.now()));
        }
    }

    @Test
    void aStoredCertificateKeepsBeingServedWhileRenewalFails() throws Exception {
        String name = "kept.example.com";
        LocalCa ca = LocalCa.loadOrCreate(new CertificateStore(new FileStorage(dir.resolve("test-ca"))), Clock.systemUTC());
        CertifiedKey stored = ca.issue(List.of(name));
        CertificateStore storage = new CertificateStore(new FileStorage(dir.resolve("data")));
        storage.open();
        storage.saveCertificate(name, stored);
        storage.saveMeta(name, CertificateMeta.issued(CertificateMeta.Source.ACME, stored, Instant.now())
                .withNextRenewal(Instant.now().minusSeconds(60))); // due: renewal is tried at once

        int caPort = closedPort();
        TlsProbe.Trust trust = TlsProbe.trusting(ca.root().leaf());
        try (LogCapture log = LogCapture.of("dev.gatehouse.certificates");
             TestGatehouse gh = TestGatehouse.startListening(LISTEN, config(caPort, name), dir)) {
            assertThat(TlsProbe.leaf(gh.httpsPort(), name, trust).getSerialNumber())
                    .isEqualTo(stored.leaf().getSerialNumber());
            assertThat(log.await(l -> l.startsWith("ERROR") && l.contains(name), Duration.ofSeconds(20)))
                    .as("renewal failure logged; all lines: " + log.lines()).isNotNull();

            assertThat(TlsProbe.leaf(gh.httpsPort(), name, trust).getSerialNumber())
                    .as("certificate after the failed renewal").isEqualTo(stored.leaf().getSerialNumber());
            assertThat(TlsProbe.get(gh.httpsPort(), name, trust, name, "/").body()).isEqualTo("acme");
            CertificateMeta meta = storage.loadMeta(name).orElseThrow();
            assertThat(meta.lastError()).isPresent();
            assertThat(meta.nextRenewal()).hasValueSatisfying(next -> assertThat(next).isAfter(Instant.now()));
            assertThat(storage.loadCertificate(name).orElseThrow().leaf()).isEqualTo(stored.leaf());
        }
    }

    /** A loopback port nobody listens on (connections are refused at once). */
    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
