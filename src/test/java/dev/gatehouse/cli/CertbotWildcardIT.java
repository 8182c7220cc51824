package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.acme.Pebble;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.storage.CertifiedKey;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.testing.Knot;
import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.TlsProbe;
import dev.gatehouse.certificates.CertbotImport;
import dev.gatehouse.certificates.CertificateInventory;
import dev.gatehouse.certificates.CertificateStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A certbot wildcard lineage taken over by {@code import certbot}: renewed over DNS-01 once due when a provider is
 * configured, and said plainly (log and {@code certs}) when none is.
 */
@Timeout(90)
class CertbotWildcardIT {
    private static final String LISTEN = "{ http: off, https: 0, address: 127.0.0.1 }";
    private static final String SITE = """
            sites:
              "*.example.com": { respond: { status: 200, body: "wild" } }
            """;

    @TempDir
    Path dir;
    private CertifiedKey imported;

    @BeforeEach
    void importLineage() throws Exception {
        CertbotTree certbot = new CertbotTree(Files.createDirectories(dir.resolve("letsencrypt")));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // 10 of 90 days left: due for renewal (a third of the lifetime left).
        imported = certbot.add("example.com", 1, now.minus(80, ChronoUnit.DAYS), now.plus(10, ChronoUnit.DAYS),
                "*.example.com", "example.com");
        List<CertbotImport.Lineage> lineages = new CertbotImport(new CertificateStore(new FileStorage(dir.resolve("data"))), Clock.systemUTC())
                .importAll(certbot.root());
        assertThat(lineages).singleElement().satisfies(l -> assertThat(l.stored()).contains("*.example.com"));
    }

    @Test
    void renewedOverDns01WhenAProviderIsConfigured() throws Exception {
        try (Knot knot = Knot.builder().zone("example.com").start();
             Pebble pebble = Pebble.builder().dnsServer(knot.address()).start();
             TestGatehouse gh = TestGatehouse.startListening(LISTEN, """
                     storage: ./data
                     acme:
                       directory: "%s"
                       trust: "%s"
                     """.formatted(pebble.directory(), pebble.trustPem()) + knot.acmeDnsYaml() + SITE, dir)) {
            TlsProbe.Trust trust = TlsProbe.trusting(pebble.root());
            X509Certificate renewed = TlsProbe.poll(Duration.ofSeconds(40), () -> {
                try (TlsProbe probe = TlsProbe.connect(gh.httpsPort(), "www.example.com", trust)) {
                    return probe.get("www.example.com", "/").body().equals("wild") ? probe.leaf() : null;
                }
            }, leaf -> leaf != null);

            assertThat(renewed).as("a certificate from pebble; pebble log:\n" + pebble.log()).isNotNull();
            assertThat(renewed.getSerialNumber()).isNotEqualTo(imported.leaf().getSerialNumber());
            assertThat(renewed.getSubjectAlternativeNames()).contains(List.of(2, "*.example.com"));
        }
    }

    @Test
    void withoutProviderTheImportedOneIsServedAndTheReasonShown() throws Exception {
        String yaml = "storage: ./data\nacme: { directory: \"https://127.0.0.1:9/dir\" }\n" + SITE;
        Files.writeString(dir.resolve("status.yaml"), "listen: " + LISTEN + "\n" + yaml);
        CertificateStatus status = new CertificateInventory(ConfigLoader.load(dir.resolve("status.yaml")),
                new CertificateStore(new FileStorage(dir.resolve("data")))).status("*.example.com").orElseThrow();
        assertThat(status.lastError()).hasValueSatisfying(e -> assertThat(e).contains("served but not renewable",
                "*.example.com is a wildcard", "no DNS provider", "acme.dns"));

        try (LogCapture log = LogCapture.of("dev.gatehouse");
             TestGatehouse gh = TestGatehouse.startListening(LISTEN, yaml, dir)) {
            TlsProbe.Trust trust = TlsProbe.trusting(imported.chain().get(1));
            assertThat(TlsProbe.leaf(gh.httpsPort(), "www.example.com", trust)).isEqualTo(imported.leaf());
            assertThat(log.lines()).anyMatch(l -> l.startsWith("ERROR") && l.contains("name=*.example.com")
                    && l.contains("cannot be renewed") && l.contains("no DNS provider"));
            Thread.sleep(500);
            assertThat(log.lines()).noneMatch(l -> l.contains("ordering"));
        }
    }
}
