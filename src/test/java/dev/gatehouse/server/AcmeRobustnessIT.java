package dev.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.acme.Pebble;
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
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACME under stress, end to end through Gatehouse's own listeners (HTTP-01 on its plain listener) against a real
 * pebble: many names at once, a CA that rejects nonces, and a CA that forgot our account.
 */
class AcmeRobustnessIT {
    @TempDir
    Path dir;

    private static String config(Pebble pebble, List<String> names) {
        StringBuilder yaml = new StringBuilder("email: ops@example.com\n"
                + "acme: { directory: \"" + pebble.directory() + "\", trust: \"" + pebble.trustPem() + "\" }\n"
                + "storage: ./data\n"
                + "sites:\n");
        for (String name : names) {
            yaml.append("  ").append(name).append(": { tls: acme, respond: { status: 200, body: \"hello\" } }\n");
        }
        return yaml.toString();
    }

    /**
     * 50 names, each its own order, all issued after one start and served with verified certificates; the time to the
     * last is printed, not asserted (bench/acme-fifty.sh measures it). The generous bound only keeps a broken run from
     * hanging on a busy machine.
     */
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void fiftyNamesAreIssuedConcurrently() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            names.add(String.format("n%02d.test", i));
        }
        int http = freePort();
        int https = freePort();
        String listen = "{ http: " + http + ", https: " + https + ", address: 127.0.0.1 }";
        try (Pebble pebble = Pebble.builder().httpPort(http).tlsPort(freePort()).start();
             LogCapture acmeLog = LogCapture.of("dev.gatehouse.acme")) {
            TlsProbe.Trust trust = TlsProbe.trusting(pebble.root());
            try (TestGatehouse gh = TestGatehouse.startListening(listen, config(pebble, names), dir)) {
                long started = System.nanoTime();
                Set<String> pending = new LinkedHashSet<>(names);
                long deadline = started + Duration.ofSeconds(180).toNanos();
                while (!pending.isEmpty() && System.nanoTime() < deadline) {
                    for (String name : List.copyOf(pending)) {
                        if (servesHello(https, name, trust)) {
                            pending.remove(name);
                        }
                    }
                    if (!pending.isEmpty()) {
                        Thread.sleep(100);
                    }
                }
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                System.out.println("AcmeRobustnessIT: " + (names.size() - pending.size()) + "/" + names.size()
                        + " names served with pebble certificates " + took.toMillis() + " ms after start (certificate threads: "
                        + TlsRuntime.CERTIFICATE_THREADS + ")");
                assertThat(pending).as("names without a pebble certificate after 180 s").isEmpty();
                assertThat(acmeLog.lines().stream().filter(l -> l.contains(" registered"))
                        .map(l -> l.replaceAll(".* account=(\\S+) registered.*", "$1")).distinct().toList())
                        .as("ACME accounts for 50 concurrent first orders").hasSize(1);
                try (Stream<Path> keys = Files.walk(dir.resolve("data/accounts"))) {
                    assertThat(keys.filter(Files::isRegularFile).toList()).as("account keys").hasSize(1);
                }
            }
        }
    }

    /** Pebble rejects 30% of nonces with badNonce: the certificate still arrives. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void badNoncesAreRetried() throws Exception {
        String name = "nonce.test";
        int http = freePort();
        int https = freePort();
        String listen = "{ http: " + http + ", https: " + https + ", address: 127.0.0.1 }";
        try (Pebble pebble = Pebble.builder().httpPort(http).tlsPort(freePort())
                .env("PEBBLE_WFE_NONCEREJECT", "30").start();
             LogCapture acme4jLog = LogCapture.of("org.shredzone.acme4j");
             TestGatehouse gh = TestGatehouse.startListening(listen, config(pebble, List.of(name)), dir)) {
            awaitHello(https, name, TlsProbe.trusting(pebble.root()), null, Duration.ofSeconds(30), pebble);
            assertThat(acme4jLog.lines()).as("acme4j saw badNonce rejections (else this test proves nothing)")
                    .anyMatch(l -> l.contains("Bad Replay Nonce"));
        }
    }

    /**
     * Pebble restarted on the same ports forgets our account: a forced renewal registers the stored account key
     * again and serves a certificate from the new pebble's root.
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aCaThatForgotTheAccountGetsItRegisteredAgain() throws Exception {
        String name = "forgot.test";
        int http = freePort();
        int https = freePort();
        String listen = "{ http: " + http + ", https: " + https + ", address: 127.0.0.1 }";
        try (Pebble pebble = Pebble.builder().httpPort(http).tlsPort(freePort()).start();
             LogCapture acmeLog = LogCapture.of("dev.gatehouse.acme");
             TestGatehouse gh = TestGatehouse.startListening(listen, config(pebble, List.of(name)), dir)) {
            X509Certificate oldRoot = pebble.root();
            BigInteger first = awaitHello(https, name, TlsProbe.trusting(oldRoot), null, Duration.ofSeconds(20), pebble);

            pebble.restart();
            X509Certificate newRoot = pebble.root();
            assertThat(newRoot).as("a restarted pebble issues under a new root").isNotEqualTo(oldRoot);

            RenewRequests.request(new CertificateStore(new FileStorage(dir.resolve("data"))), name);
            BigInteger renewed = awaitHello(https, name, TlsProbe.trusting(newRoot), first, Duration.ofSeconds(30), pebble);
            assertThat(renewed).isNotEqualTo(first);
            assertThat(acmeLog.lines()).as("ACME log").anyMatch(l -> l.contains("no account there"));
        }
    }

    @Test
    void aRenewalWhileTheCaIsDownKeepsTheOldCertificateAndSucceedsOnceItIsBack() throws Exception {
        String name = "down.test";
        int http = freePort();
        int https = freePort();
        String listen = "{ http: " + http + ", https: " + https + ", address: 127.0.0.1 }";
        CertificateStore storage = new CertificateStore(new FileStorage(dir.resolve("data")));
        try (Pebble pebble = Pebble.builder().httpPort(http).tlsPort(freePort()).start();
             TestGatehouse gh = TestGatehouse.startListening(listen, config(pebble, List.of(name)), dir)) {
            X509Certificate oldRoot = pebble.root();
            BigInteger first = awaitHello(https, name, TlsProbe.trusting(oldRoot), null, Duration.ofSeconds(20), pebble);

            pebble.stopCa();
            RenewRequests.request(storage, name);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (storage.loadMeta(name).flatMap(m -> m.lastError()).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(storage.loadMeta(name).flatMap(m -> m.lastError())).as("the failed renewal is recorded")
                    .isPresent();
            try (TlsProbe probe = TlsProbe.connect(https, name, TlsProbe.trusting(oldRoot))) {
                assertThat(probe.leaf().getSerialNumber()).as("the old certificate is still served").isEqualTo(first);
            }

            pebble.startCa();
            RenewRequests.request(storage, name);
            BigInteger renewed = awaitHello(https, name, TlsProbe.trusting(pebble.root()), first,
                    Duration.ofSeconds(30), pebble);
            assertThat(renewed).isNotEqualTo(first);
            assertThat(storage.loadMeta(name).flatMap(m -> m.lastError())).as("the error is cleared").isEmpty();
        }
    }

    private static boolean servesHello(int port, String name, TlsProbe.Trust trust) {
        try (TlsProbe probe = TlsProbe.connect(port, name, trust)) {
            return probe.get(name, "/").body().equals("hello");
        } catch (Exception notYet) {
            return false;
        }
    }

    /** Polls until {@code name} answers "hello" with a certificate other than {@code old} chaining to {@code trust}. */
    private static BigInteger awaitHello(int port, String name, TlsProbe.Trust trust, BigInteger old, Duration timeout,
                                         Pebble pebble) throws Exception {
        X509Certificate leaf = TlsProbe.poll(timeout, () -> {
            try (TlsProbe probe = TlsProbe.connect(port, name, trust)) {
                return probe.get(name, "/").body().equals("hello") ? probe.leaf() : null;
            }
        }, cert -> cert != null && !cert.getSerialNumber().equals(old));
        assertThat(leaf).as("certificate for " + name + " within " + timeout + "; pebble log:\n" + pebble.log())
                .isNotNull();
        assertThat(leaf.getSerialNumber()).isNotEqualTo(old);
        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(2, name));
        return leaf.getSerialNumber();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
