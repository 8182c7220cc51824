package dev.gatehouse.certificates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.storage.CertificateMeta;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.CertifiedKey;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.TlsProbe;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wildcard site over ACME with no DNS provider, holding an imported wildcard certificate: it is served, and the
 * log and {@code gatehouse certs} say that it needs dns-01 and will not be renewed, instead of silently never renewing.
 */
@Timeout(60)
class WildcardWithoutDnsIT {
    @TempDir
    Path dir;

    @Test
    void theImportedWildcardIsServedAndItsMissingDnsProviderIsSaid() throws Exception {
        LocalCa ca = LocalCa.loadOrCreate(new CertificateStore(new FileStorage(dir.resolve("test-ca"))),
                Clock.systemUTC());
        CertifiedKey wildcard = ca.issue(List.of("*.wild.test"));
        CertificateStore storage = new CertificateStore(new FileStorage(dir.resolve("data")));
        storage.open();
        storage.saveCertificate("*.wild.test", wildcard);
        storage.saveMeta("*.wild.test", CertificateMeta.issued(CertificateMeta.Source.CERTBOT, wildcard, Instant.now())
                .withNextRenewal(Instant.now().minusSeconds(60))); // due: it would be renewed now if it could be
        String config = """
                acme: { directory: "https://127.0.0.1:1/dir" }
                storage: ./data
                sites:
                  "*.wild.test": { tls: acme, respond: { status: 200, body: "wild" } }
                """;
        try (LogCapture log = LogCapture.of("dev.gatehouse.certificates");
             TestGatehouse gh = TestGatehouse.startListening("{ http: 0, https: 0, address: 127.0.0.1 }", config, dir)) {
            TlsProbe.Trust trust = TlsProbe.trusting(ca.root().leaf());
            assertThat(TlsProbe.leaf(gh.httpsPort(), "a.wild.test", trust).getSerialNumber())
                    .isEqualTo(wildcard.leaf().getSerialNumber());
            assertThat(TlsProbe.get(gh.httpsPort(), "a.wild.test", trust, "a.wild.test", "/").body()).isEqualTo("wild");

            String error = log.await(l -> l.startsWith("ERROR") && l.contains("*.wild.test"), Duration.ofSeconds(10));
            assertThat(error).contains("the stored certificate is served but cannot be renewed", "DNS-01",
                    "no DNS provider is configured", "acme.dns");
            CertificateStatus status = new CertificateInventory(gh.server().config(), storage)
                    .status("*.wild.test").orElseThrow();
            assertThat(status.source()).isEqualTo("certbot");
            assertThat(status.lastError()).hasValueSatisfying(e -> assertThat(e).contains("DNS-01", "acme.dns"));
            Thread.sleep(1000);
            assertThat(log.lines()).as("no order is placed for a name that cannot be validated")
                    .noneMatch(l -> l.contains("ACME order failed"));
        }
    }
}
