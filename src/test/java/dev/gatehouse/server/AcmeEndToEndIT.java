package dev.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.acme.Pebble;
import dev.gatehouse.metrics.Scrape;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.TlsProbe;
import dev.gatehouse.certificates.RenewRequests;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates from a real pebble, validated through Gatehouse's own listeners: HTTP-01 on its plain listener,
 * TLS-ALPN-01 on its HTTPS listener; reuse of the stored certificate after a restart; renewal on request.
 */
@Timeout(60)
class AcmeEndToEndIT {
    private static final String NAME = "acme1.test";
    private static final String SITE = """
            sites:
              acme1.test: { tls: acme, respond: { status: 200, body: "hello" } }
            """;

    @TempDir
    Path dir;

    private String config(Pebble pebble) {
        return "email: ops@example.com\n"
                + "acme: { directory: \"" + pebble.directory() + "\", trust: \"" + pebble.trustPem() + "\" }\n"
                + "storage: ./data\n" + SITE;
    }

    @Test
    void http01ThenRestartWithoutNewOrderThenForcedRenewal() throws Exception {
        int http = freePort();
        int https = freePort();
        String listen = "{ http: " + http + ", https: " + https + ", address: 127.0.0.1 }";
        try (Pebble pebble = Pebble.builder().httpPort(http).tlsPort(freePort()).start()) {
            TlsProbe.Trust trust = TlsProbe.trusting(pebble.root());
            BigInteger first;
            try (TestGatehouse gh = TestGatehouse.startListening(listen, config(pebble), dir)) {
                first = awaitHello(https, trust, null, Duration.ofSeconds(20), pebble);
            }

            try (LogCapture acmeLog = LogCapture.of("dev.gatehouse.acme");
                 TestGatehouse gh = TestGatehouse.startListening(listen, config(pebble), dir)) {
                assertThat(TlsProbe.leaf(https, NAME, trust).getSerialNumber())
                        .as("stored certificate served at once after a restart").isEqualTo(first);
                Thread.sleep(3000);
                assertThat(acmeLog.lines()).as("ACME activity after a restart with a valid stored certificate")
                        .noneMatch(l -> l.contains("ordering"));
                assertThat(TlsProbe.leaf(https, NAME, trust).getSerialNumber()).isEqualTo(first);

                try (TlsProbe open = TlsProbe.connect(https, NAME, trust)) {
                    assertThat(open.get(NAME, "/").body()).isEqualTo("hello");
                    RenewRequests.request(new CertificateStore(new FileStorage(dir.resolve("data"))), NAME);
                    BigInteger renewed = awaitHello(https, trust, first, Duration.ofSeconds(15), pebble);
                    assertThat(renewed).isNotEqualTo(first);
                    assertThat(open.get(NAME, "/").body()).as("connection opened before the renewal").isEqualTo("hello");
                    assertThat(open.leaf().getSerialNumber()).isEqualTo(first);
                }
            }
            assertStorageIsPrivate(dir.resolve("data"));
        }
    }

    @Test
    void tlsAlpn01WithThePlainListenerOff() throws Exception {
        int https = freePort();
        String listen = "{ http: off, https: " + https + ", address: 127.0.0.1 }";
        try (Pebble pebble = Pebble.builder().httpPort(freePort()).tlsPort(https).start();
             LogCapture acmeLog = LogCapture.of("dev.gatehouse.acme");
             TestGatehouse gh = TestGatehouse.startListening(listen, config(pebble), dir)) {
            awaitHello(https, TlsProbe.trusting(pebble.root()), null, Duration.ofSeconds(20), pebble);
            assertThat(acmeLog.lines()).anyMatch(l -> l.contains("challenge=tls-alpn-01 valid"));

            Scrape metrics = Scrape.parse(gh.server().metrics().scrape());
            double orders = metrics.value("gatehouse_acme_orders_total");
            assertThat(orders - metrics.value("gatehouse_acme_order_failures_total")).as("orders that succeeded")
                    .isEqualTo(1);
            assertThat(metrics.value("gatehouse_certificate_expiry_seconds", "name", NAME)).isPositive();
        }
    }

    /**
     * Polls until an HTTPS GET with SNI {@link #NAME} answers "hello" with a certificate other than {@code old}
     * that chains to pebble's root; returns its serial.
     */
    private static BigInteger awaitHello(int port, TlsProbe.Trust trust, BigInteger old, Duration timeout,
                                         Pebble pebble) throws Exception {
        X509Certificate leaf = TlsProbe.poll(timeout, () -> {
            try (TlsProbe probe = TlsProbe.connect(port, NAME, trust)) {
                return probe.get(NAME, "/").body().equals("hello") ? probe.leaf() : null;
            }
        }, cert -> cert != null && !cert.getSerialNumber().equals(old));
        assertThat(leaf).as("certificate for " + NAME + " within " + timeout + "; pebble log:\n" + pebble.log())
                .isNotNull();
        assertThat(leaf.getSerialNumber()).isNotEqualTo(old);
        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(2, NAME));
        return leaf.getSerialNumber();
    }

    /** Keys 0600, directories 0700, one ACME account key. */
    private static void assertStorageIsPrivate(Path storage) throws Exception {
        Set<PosixFilePermission> dirMode = PosixFilePermissions.fromString("rwx------");
        Set<PosixFilePermission> keyMode = PosixFilePermissions.fromString("rw-------");
        try (Stream<Path> files = Files.walk(storage)) {
            for (Path p : files.toList()) {
                if (Files.isDirectory(p)) {
                    assertThat(Files.getPosixFilePermissions(p)).as("mode of " + p).isEqualTo(dirMode);
                } else if (p.getFileName().toString().endsWith(".key") || p.getFileName().toString().equals("key.pem")) {
                    assertThat(Files.getPosixFilePermissions(p)).as("mode of " + p).isEqualTo(keyMode);
                }
            }
        }
        try (Stream<Path> accounts = Files.walk(storage.resolve("accounts"))) {
            assertThat(accounts.filter(Files::isRegularFile).toList()).as("account keys after two starts and a renewal")
                    .hasSize(1).allMatch(p -> p.getFileName().toString().equals("account.key"));
        }
        assertThat(Files.exists(storage.resolve("certificates").resolve(NAME).resolve("key.pem"))).isTrue();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
