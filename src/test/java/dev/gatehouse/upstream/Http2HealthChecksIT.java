package dev.gatehouse.upstream;

import dev.gatehouse.storage.CertifiedKey;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.testing.H2Backend;
import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.certificates.LocalCa;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static dev.gatehouse.upstream.Backends.config;
import static dev.gatehouse.upstream.Backends.get;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Active health checks of HTTP/2 pools speak the pool's protocol: h2c with prior knowledge, h2 over TLS verified as
 * the proxy verifies it. Targets that speak nothing else are healthy, stopped ones unhealthy, and healthy again
 * once back.
 */
@Timeout(60)
class Http2HealthChecksIT {
    private static LocalCa ca;
    private static LocalCa otherCa;
    private static Path caFile;

    @BeforeAll
    static void makeCas() throws Exception {
        Path dir = Files.createTempDirectory("h2-health-ca");
        ca = LocalCa.loadOrCreate(new CertificateStore(new FileStorage(dir.resolve("a"))), Clock.systemUTC());
        otherCa = LocalCa.loadOrCreate(new CertificateStore(new FileStorage(dir.resolve("b"))), Clock.systemUTC());
        caFile = dir.resolve("upstream-ca.pem");
        Files.writeString(caFile, ca.rootPem());
    }

    @Test
    void h2cTargetsAreCheckedOverH2cStoppedOnesGoUnhealthyAndComeBack() throws Exception {
        H2Backend a = H2Backend.h2c();
        int aPort = a.port();
        String aAddress = a.address();
        try (H2Backend b = H2Backend.h2c();
             LogCapture log = LogCapture.of("dev.gatehouse.upstream");
             TestGatehouse gh = TestGatehouse.start(config("""
                     protocol: h2c
                     targets: [%s, %s]
                     health: { path: /health, interval: 300ms, timeout: 300ms, unhealthy: 2, healthy: 2,
                               body: "h2 /health" }
                     """.formatted(aAddress, b.address())))) {
            assertThat(log.await(l -> l.contains("target=" + aAddress + " unknown -> healthy"),
                    Duration.ofSeconds(10))).as("h2c-only target passes its check").isNotNull();
            assertThat(log.await(l -> l.contains("target=" + b.address() + " unknown -> healthy"),
                    Duration.ofSeconds(10))).isNotNull();
            assertThat(get(gh, "/x").body()).isEqualTo("h2 /x");

            a.close();
            String down = log.await(l -> l.contains("target=" + aAddress + " healthy -> unhealthy"),
                    Duration.ofSeconds(10));
            assertThat(down).isEqualTo("WARN upstream=app target=" + aAddress
                    + " healthy -> unhealthy: 2 failed checks (last: connect refused)");
            int before = b.streams();
            for (int i = 0; i < 10; i++) {
                assertThat(get(gh, "/y").statusCode()).as("only the live target is used").isEqualTo(200);
            }
            assertThat(b.streams() - before).as("requests and checks on b").isGreaterThanOrEqualTo(10);

            a = H2Backend.h2cAt(aPort);
            assertThat(log.await(l -> l.contains("target=" + aAddress + " unhealthy -> healthy: 2 passed checks"),
                    Duration.ofSeconds(10))).isNotNull();
        } finally {
            a.close();
        }
    }

    @Test
    void h2TargetsAreCheckedOverVerifiedTls() throws Exception {
        CertifiedKey cert = ca.issue(List.of("localhost", "127.0.0.1"));
        H2Backend a = H2Backend.h2(cert.chain(), cert.key());
        int aPort = a.port();
        String aAddress = a.address();
        try (LogCapture log = LogCapture.of("dev.gatehouse.upstream");
             TestGatehouse gh = TestGatehouse.start(config("""
                     protocol: h2
                     tls: { ca: %s }
                     targets: [%s]
                     health: { path: /health, interval: 500ms, timeout: 500ms, unhealthy: 2, healthy: 1 }
                     """.formatted(caFile, aAddress)))) {
            // "unknown -> healthy", or "-> unhealthy" first when the first handshakes outlast the 500 ms timeout on
            // a busy machine: what counts is that verified TLS checks pass.
            assertThat(log.await(l -> l.contains("target=" + aAddress + " ") && l.contains("-> healthy"),
                    Duration.ofSeconds(10))).as("TLS-only target passes its check").isNotNull();
            assertThat(get(gh, "/x").body()).isEqualTo("h2 /x");

            a.close();
            assertThat(log.await(l -> l.contains("target=" + aAddress + " healthy -> unhealthy"),
                    Duration.ofSeconds(10))).contains("connect refused");

            a = H2Backend.h2At(cert.chain(), cert.key(), aPort);
            assertThat(log.await(l -> l.contains("target=" + aAddress + " unhealthy -> healthy"),
                    Duration.ofSeconds(10))).isNotNull();
            assertThat(get(gh, "/z").body()).isEqualTo("h2 /z");
        } finally {
            a.close();
        }
    }

    @Test
    void anUntrustedCertificateFailsTheCheck() throws Exception {
        CertifiedKey cert = otherCa.issue(List.of("localhost", "127.0.0.1"));
        try (H2Backend a = H2Backend.h2(cert.chain(), cert.key());
             LogCapture log = LogCapture.of("dev.gatehouse.upstream");
             TestGatehouse gh = TestGatehouse.start(config("""
                     protocol: h2
                     tls: { ca: %s }
                     targets: [%s]
                     health: { path: /health, interval: 500ms, timeout: 500ms, unhealthy: 3 }
                     """.formatted(caFile, a.address())))) {
            // Three failures, so that the last reason is a warm one (the very first TLS set-up may be slow).
            String line = log.await(l -> l.contains("target=" + a.address() + " unknown -> unhealthy"),
                    Duration.ofSeconds(10));
            assertThat(line).isNotNull().contains("TLS handshake failed");
            assertThat(a.streams()).as("no check reached the target").isZero();
        }
    }
}
