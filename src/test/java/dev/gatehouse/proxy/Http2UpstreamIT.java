package dev.gatehouse.proxy;

import dev.gatehouse.storage.CertifiedKey;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.testing.H2Backend;
import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.RawConnection;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.certificates.LocalCa;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** HTTP/1.1 clients through Gatehouse to HTTP/2 upstreams: h2c (prior knowledge) and h2 (TLS, verified). */
class Http2UpstreamIT {
    private static final int LOOPS = Runtime.getRuntime().availableProcessors();
    private static LocalCa ca;
    private static LocalCa otherCa;
    private static Path caFile;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void makeCas() throws Exception {
        Path dir = Files.createTempDirectory("h2-upstream-ca");
        ca = LocalCa.loadOrCreate(new CertificateStore(new FileStorage(dir.resolve("a"))), Clock.systemUTC());
        otherCa = LocalCa.loadOrCreate(new CertificateStore(new FileStorage(dir.resolve("b"))), Clock.systemUTC());
        caFile = dir.resolve("upstream-ca.pem");
        Files.writeString(caFile, ca.rootPem());
    }

    private static String config(String protocol, String extra, String... targets) {
        return """
                sites:
                  example.test:
                    upstream: app
                upstreams:
                  app:
                    protocol: %s
                %s    targets: [%s]
                """.formatted(protocol, extra, String.join(", ", targets));
    }

    private HttpResponse<String> get(TestGatehouse gh, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(gh.uri(path)).header("Host", "example.test")
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> getAsync(TestGatehouse gh, String path) {
        return client.sendAsync(HttpRequest.newBuilder(gh.uri(path)).header("Host", "example.test")
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void h2cUpstreamAnswersAnHttp11Client() throws Exception {
        try (H2Backend backend = H2Backend.h2c();
             TestGatehouse gh = TestGatehouse.start(config("h2c", "", backend.address()))) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(gh.uri("/hello")).header("Host", "example.test")
                    .header("TE", "trailers").timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("h2 /hello");
            assertThat(r.headers().firstValue("x-protocol")).hasValue("h2c");
            assertThat(r.headers().firstValue("x-seen-te")).as("te: trailers reaches the upstream").hasValue("trailers");
            assertThat(r.headers().firstValue("x-seen-host")).as(":authority from Host").hasValue("example.test");
            assertThat(r.headers().map().keySet()).noneMatch(h -> h.startsWith("x-http2-"));
        }
    }

    @Test
    void h2UpstreamOverTlsVerifiedWithTheConfiguredCa() throws Exception {
        CertifiedKey cert = ca.issue(List.of("localhost", "127.0.0.1"));
        try (H2Backend backend = H2Backend.h2(cert.chain(), cert.key());
             TestGatehouse gh = TestGatehouse.start(config("h2", "    tls: { ca: " + caFile + " }\n",
                     backend.address()))) {
            HttpResponse<String> r = get(gh, "/secure");

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("h2 /secure");
            assertThat(r.headers().firstValue("x-protocol")).hasValue("h2");
        }
    }

    @Test
    void serverNameIsSentAndVerified() throws Exception {
        CertifiedKey cert = ca.issue(List.of("api.internal"));
        try (H2Backend backend = H2Backend.h2(cert.chain(), cert.key());
             TestGatehouse gh = TestGatehouse.start(config("h2",
                     "    tls: { ca: " + caFile + ", server_name: api.internal }\n", backend.address()))) {
            assertThat(get(gh, "/named").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anUntrustedCertificateIs502WithALogLineSayingWhy() throws Exception {
        CertifiedKey cert = otherCa.issue(List.of("localhost", "127.0.0.1"));
        try (H2Backend backend = H2Backend.h2(cert.chain(), cert.key());
             LogCapture log = LogCapture.of("dev.gatehouse.proxy");
             TestGatehouse gh = TestGatehouse.start(config("h2", "    tls: { ca: " + caFile + " }\n",
                     backend.address()))) {
            HttpResponse<String> r = get(gh, "/x");

            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).contains("TLS");
            String line = log.await(l -> l.contains("upstream-tls"), Duration.ofSeconds(5));
            assertThat(line).isNotNull().contains("upstream=app", "target=" + backend.address());
            assertThat(line.toLowerCase()).containsAnyOf("certification path", "pkix", "certificate");
            assertThat(backend.streams()).as("no request reached the upstream").isZero();
        }
    }

    @Test
    void theSystemStoreDoesNotTrustAPrivateCa() throws Exception {
        CertifiedKey cert = ca.issue(List.of("localhost", "127.0.0.1"));
        try (H2Backend backend = H2Backend.h2(cert.chain(), cert.key());
             LogCapture log = LogCapture.of("dev.gatehouse.proxy");
             TestGatehouse gh = TestGatehouse.start(config("h2", "", backend.address()))) {
            assertThat(get(gh, "/x").statusCode()).isEqualTo(502);
            assertThat(log.await(l -> l.contains("upstream-tls"), Duration.ofSeconds(5))).isNotNull();
        }
    }

    @Test
    void aNameTheCertificateDoesNotCoverIs502() throws Exception {
        CertifiedKey cert = ca.issue(List.of("other.internal"));
        try (H2Backend backend = H2Backend.h2(cert.chain(), cert.key());
             LogCapture log = LogCapture.of("dev.gatehouse.proxy");
             TestGatehouse gh = TestGatehouse.start(config("h2", "    tls: { ca: " + caFile + " }\n",
                     backend.address()))) {
            assertThat(get(gh, "/x").statusCode()).isEqualTo(502);
            assertThat(log.await(l -> l.contains("upstream-tls"), Duration.ofSeconds(5))).isNotNull();
        }
    }

    @Test
    void concurrentRequestsShareAFewConnections() throws Exception {
        try (H2Backend backend = H2Backend.h2c();
             TestGatehouse gh = TestGatehouse.start(config("h2c", "", backend.address()))) {
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                all.add(getAsync(gh, "/slow?ms=300"));
            }
            for (CompletableFuture<HttpResponse<String>> f : all) {
                HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("slow");
            }
            assertThat(backend.streams()).isEqualTo(60);
            assertThat(backend.connections()).as("one connection per event loop").isBetween(1, LOOPS);
            assertThat(backend.maxActiveStreams()).as("streams multiplexed").isGreaterThan(LOOPS);
        }
    }

    @Test
    void maxConcurrentStreamsOneOpensMoreConnectionsThenQueues() throws Exception {
        try (H2Backend backend = H2Backend.h2c(1);
             TestGatehouse gh = TestGatehouse.start(config("h2c", "", backend.address()))) {
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                all.add(getAsync(gh, "/slow?ms=100"));
            }
            for (CompletableFuture<HttpResponse<String>> f : all) {
                assertThat(f.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            assertThat(backend.streams()).as("none refused and resent").isEqualTo(30);
            assertThat(backend.connections()).isBetween(2, LOOPS * Http2Connections.MAX_CONNECTIONS_PER_TARGET);
        }
    }

    @Test
    void goAwayMovesNewRequestsToANewConnection() throws Exception {
        try (H2Backend backend = H2Backend.h2cGoingAwayAfter(3);
             TestGatehouse gh = TestGatehouse.start(config("h2c", "", backend.address()))) {
            for (int i = 0; i < 10; i++) {
                assertThat(get(gh, "/seq" + i).body()).isEqualTo("h2 /seq" + i);
            }
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                all.add(getAsync(gh, "/slow?ms=50"));
            }
            for (CompletableFuture<HttpResponse<String>> f : all) {
                HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
            assertThat(backend.connections()).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void largeBodiesStreamBothWays() throws Exception {
        int size = 24 * 1024 * 1024;
        try (H2Backend backend = H2Backend.h2c();
             TestGatehouse gh = TestGatehouse.start(config("h2c", "", backend.address()))) {
            HttpResponse<InputStream> down = client.send(HttpRequest.newBuilder(gh.uri("/bytes?n=" + size))
                    .header("Host", "example.test").timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(down.statusCode()).isEqualTo(200);
            try (InputStream in = down.body()) {
                assertThat(count(in)).isEqualTo(size);
            }

            Supplier<InputStream> body = () -> new PatternStream(size);
            HttpResponse<InputStream> echo = client.send(HttpRequest.newBuilder(gh.uri("/echo"))
                    .header("Host", "example.test").timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(body)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(echo.statusCode()).isEqualTo(200);
            try (InputStream in = echo.body(); InputStream expected = new PatternStream(size)) {
                byte[] a = new byte[65536];
                byte[] b = new byte[65536];
                long total = 0;
                for (int n; (n = in.readNBytes(a, 0, a.length)) > 0; total += n) {
                    assertThat(expected.readNBytes(b, 0, n)).isEqualTo(n);
                    assertThat(java.util.Arrays.equals(a, 0, n, b, 0, n)).as("bytes at %d", total).isTrue();
                }
                assertThat(total).isEqualTo(size);
            }
        }
    }

    @Test
    void aHalfGibibyteDownloadIsStreamedNotHeld() throws Exception {
        long size = 512L * 1024 * 1024; // the test JVM, Gatehouse included, has 512 MiB of heap
        try (H2Backend backend = H2Backend.h2c();
             TestGatehouse gh = TestGatehouse.start(config("h2c", "", backend.address()))) {
            HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(gh.uri("/bytes?n=" + size))
                    .header("Host", "example.test").timeout(Duration.ofSeconds(180)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                assertThat(count(in)).isEqualTo(size);
            }
        }
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        try (H2Backend backend = H2Backend.h2c();
             TestGatehouse gh = TestGatehouse.start("timeouts: { idle: 1s }\n" + config("h2c", "", backend.address()))) {
            assertThat(get(gh, "/once").statusCode()).isEqualTo(200);
            assertThat(backend.openConnections()).isEqualTo(1);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (backend.openConnections() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(backend.openConnections()).as("closed after timeouts.idle without a stream").isZero();
            assertThat(get(gh, "/again").body()).as("a new one is opened").isEqualTo("h2 /again");
        }
    }

    @Test
    void trailersTravelBothWays() throws Exception {
        try (H2Backend backend = H2Backend.h2c();
             TestGatehouse gh = TestGatehouse.start(config("h2c", "", backend.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            c.send("POST /echo HTTP/1.1\r\nHost: example.test\r\nTE: trailers\r\nContent-Type: text/plain\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nx-checksum: abc123\r\n\r\n");
            RawConnection.Response r = c.read();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("hello");
            assertThat(r.trailer("x-checksum")).as("request trailer up, echoed down").isEqualTo("abc123");
            assertThat(r.trailer("x-echo")).isEqualTo("done");
        }
    }

    private static long count(InputStream in) throws java.io.IOException {
        byte[] buf = new byte[65536];
        long n = 0;
        for (int r; (r = in.read(buf)) > 0; ) {
            n += r;
        }
        return n;
    }

    /** {@code size} bytes of a repeating pattern, generated as read: nothing held whole. */
    private static final class PatternStream extends InputStream {
        private final long size;
        private long pos;

        PatternStream(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            return pos < size ? (int) ((pos++ * 31 + 7) & 0xff) : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - pos);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) ((pos++ * 31 + 7) & 0xff);
            }
            return n;
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
