package dev.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.acme.Pebble;
import dev.gatehouse.certificates.RenewRequests;
import dev.gatehouse.storage.CertificateMeta;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.CertifiedKey;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.testing.TestGatehouse;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code notify: { webhook }} with a real HTTP receiver on loopback and a real pebble that is down, then up: a
 * renewal that fails is told once (not per retry), with the certificate in its last stretch; an expired certificate
 * is told; the recovery is told; a receiver that answers 503 gets the alert again.
 */
@Timeout(120)
class CertificateAlertsIT {
    @TempDir
    Path dir;

    /** What the receiver got, in order; it answers 503 to the very first POST, 200 to the rest. */
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger posts = new AtomicInteger();

    @Test
    void failuresExpiryAndRecoveryAreToldOnceEach() throws Exception {
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = posts.incrementAndGet() == 1 ? 503 : 200;
            if (status == 200) {
                received.add(exchange.getRequestHeaders().getFirst("Content-Type") + " " + body);
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        int http = freePort();
        try (Pebble pebble = Pebble.builder().httpPort(http).tlsPort(freePort()).start()) {
            pebble.stopCa();
            CertificateStore storage = new CertificateStore(new FileStorage(dir.resolve("data")));
            storage.open();
            Instant now = Instant.now();
            store(storage, "alert.test", now.minus(Duration.ofDays(60)), now.plus(Duration.ofDays(2)),
                    now.minusSeconds(60)); // due now, two days left: the last stretch
            store(storage, "gone.test", now.minus(Duration.ofDays(90)), now.minusSeconds(3600),
                    now.plus(Duration.ofDays(30))); // expired, its renewal planned later: renewed (and failing) at once
            String config = "email: ops@example.com\n"
                    + "acme: { directory: \"" + pebble.directory() + "\", trust: \"" + pebble.trustPem() + "\" }\n"
                    + "storage: ./data\n"
                    + "notify: { webhook: \"http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook\" }\n"
                    + "sites:\n"
                    + "  alert.test: { tls: acme, respond: { status: 200, body: \"alert\" } }\n"
                    + "  gone.test: { tls: acme, respond: { status: 200, body: \"gone\" } }\n";
            String listen = "{ http: " + http + ", https: 0, address: 127.0.0.1 }";
            try (TestGatehouse gh = TestGatehouse.startListening(listen, config, dir)) {
                await("\"event\":\"renewal_failed\",\"name\":\"alert.test\"");
                await("\"event\":\"expiring\",\"name\":\"alert.test\"");
                await("\"event\":\"expired\",\"name\":\"gone.test\"");
                await("\"event\":\"renewal_failed\",\"name\":\"gone.test\"");
                assertThat(posts.get()).as("the first POST got 503 and was sent again").isGreaterThan(received.size());
                assertThat(received).allMatch(r -> r.startsWith("application/json {"));
                assertThat(find("renewal_failed", "alert.test")).contains("\"names\":[\"alert.test\"]", "\"attempts\":1",
                        "\"error\":\"acme name=alert.test", "\"next_attempt\":\"");

                // A second failure (renewal asked for while the CA is still down) is not told again.
                int failuresBefore = count("renewal_failed", "alert.test");
                long lastAttempt = lastAttempt(storage);
                RenewRequests.request(storage, "alert.test");
                awaitTrue(() -> lastAttempt(storage) != lastAttempt);
                Thread.sleep(1500);
                assertThat(count("renewal_failed", "alert.test")).isEqualTo(failuresBefore).isEqualTo(1);

                pebble.startCa();
                RenewRequests.request(storage, "alert.test");
                await("\"event\":\"renewal_recovered\",\"name\":\"alert.test\"");
                assertThat(find("renewal_recovered", "alert.test")).contains("\"not_after\":\"");
                assertThat(count("expired", "gone.test")).isEqualTo(1);
                assertThat(count("expiring", "alert.test")).isEqualTo(1);
            }
        } finally {
            receiver.stop(0);
        }
    }

    private void await(String fragment) throws InterruptedException {
        awaitTrue(() -> received.stream().anyMatch(r -> r.contains(fragment)));
        assertThat(received).as("alerts received").anyMatch(r -> r.contains(fragment));
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private String find(String event, String name) {
        return received.stream().filter(r -> r.contains("\"event\":\"" + event + "\",\"name\":\"" + name + "\""))
                .findFirst().orElse("");
    }

    private int count(String event, String name) {
        return (int) received.stream()
                .filter(r -> r.contains("\"event\":\"" + event + "\",\"name\":\"" + name + "\"")).count();
    }

    private static long lastAttempt(CertificateStore storage) {
        try {
            return storage.loadMeta("alert.test").flatMap(CertificateMeta::lastAttempt).map(Instant::toEpochMilli)
                    .orElse(0L);
        } catch (Exception e) {
            return 0L;
        }
    }

    /** A self-signed certificate for {@code name} valid in [from, to], stored as an ACME one. */
    private static void store(CertificateStore storage, String name, Instant from, Instant to, Instant nextRenewal)
            throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair key = generator.generateKeyPair();
        X500Name subject = new X500Name("CN=" + name);
        var builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(System.nanoTime()), Date.from(from),
                Date.from(to), subject, key.getPublic())
                .addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
        CertifiedKey certificate = new CertifiedKey(List.of(new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())))),
                key.getPrivate());
        storage.saveCertificate(name, certificate);
        storage.saveMeta(name, CertificateMeta.issued(CertificateMeta.Source.ACME, certificate, from)
                .withNextRenewal(nextRenewal));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
