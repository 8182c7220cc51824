package dev.gatehouse.proxy;

import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.TlsProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * X-Request-Id end to end: made here or kept from a trusted proxy, sent to the backend, returned to the client and
 * written in the access log. The trusted proxy is 127.0.0.2 (a loopback address of its own); plain clients come
 * from 127.0.0.1.
 */
@Timeout(60)
class RequestIdIT {
    private static final String GENERATED = "[0-9a-f]{16}";

    @TempDir
    Path dir;

    private TestBackend backend;
    private TestGatehouse gh;

    @BeforeEach
    void start() throws Exception {
        backend = TestBackend.echo("app");
        Files.createDirectories(dir.resolve("public"));
        Files.writeString(dir.resolve("public/index.html"), "<p>home</p>");
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort(); // nothing listens here once closed: a 502
        }
        gh = TestGatehouse.start("""
                trusted_proxies: [ 127.0.0.2/32 ]
                sites:
                  app.test: { upstream: app }
                  down.test: { upstream: down }
                  files.test: { files: ./public }
                  old.test: { redirect: "https://app.test{uri}" }
                upstreams:
                  app: { targets: [ %s ] }
                  down: { targets: [ "127.0.0.1:%d" ] }
                """.formatted(backend.address(), closedPort), dir);
    }

    @AfterEach
    void stop() {
        gh.close();
        backend.close();
    }

    /** One request with Connection: close from {@code from}, optionally with an X-Request-Id. */
    private TlsProbe.Response get(String from, String host, String path, String requestId) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", gh.port()), 5000);
            socket.setSoTimeout(10_000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n"
                    + (requestId == null ? "" : "X-Request-Id: " + requestId + "\r\n") + "\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return TlsProbe.read(socket.getInputStream());
        }
    }

    @Test
    void aNewIdIsReturnedSentUpstreamAndLogged() throws Exception {
        try (LogCapture access = LogCapture.of("gatehouse.access")) {
            TlsProbe.Response r = get("127.0.0.1", "app.test", "/hello", null);
            assertThat(r.status()).isEqualTo(200);
            String id = r.header("x-request-id");
            assertThat(id).matches(GENERATED);
            assertThat(r.body()).contains("header: x-request-id: " + id + "\n");
            assertThat(access.await(l -> l.contains("GET /hello ") && l.contains(" id=" + id), Duration.ofSeconds(5)))
                    .isNotNull();

            String next = get("127.0.0.1", "app.test", "/hello", null).header("x-request-id");
            assertThat(next).matches(GENERATED).isNotEqualTo(id);
        }
    }

    @Test
    void aTrustedProxysIdIsKept() throws Exception {
        try (LogCapture access = LogCapture.of("gatehouse.access")) {
            TlsProbe.Response r = get("127.0.0.2", "app.test", "/via-proxy", "edge-7f3a/1");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("x-request-id")).isEqualTo("edge-7f3a/1");
            assertThat(r.body()).contains("header: x-request-id: edge-7f3a/1\n");
            assertThat(access.await(l -> l.contains("GET /via-proxy ") && l.contains(" id=edge-7f3a/1"),
                    Duration.ofSeconds(5))).isNotNull();
        }
    }

    @Test
    void anUntrustedPeersIdIsReplaced() throws Exception {
        TlsProbe.Response r = get("127.0.0.1", "app.test", "/", "forged-by-client");
        assertThat(r.header("x-request-id")).matches(GENERATED);
        assertThat(r.body()).contains("header: x-request-id: " + r.header("x-request-id") + "\n")
                .doesNotContain("forged-by-client");
    }

    @Test
    void aTrustedProxysInsaneIdIsReplaced() throws Exception {
        TlsProbe.Response r = get("127.0.0.2", "app.test", "/", "x".repeat(201));
        assertThat(r.header("x-request-id")).matches(GENERATED);
        assertThat(r.body()).contains("header: x-request-id: " + r.header("x-request-id") + "\n");
    }

    @Test
    void gatehousesOwnAnswersCarryTheIdToo() throws Exception {
        TlsProbe.Response notFound = get("127.0.0.1", "nobody.test", "/", null);
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.header("x-request-id")).matches(GENERATED);

        TlsProbe.Response badGateway = get("127.0.0.1", "down.test", "/", null);
        assertThat(badGateway.status()).isEqualTo(502);
        assertThat(badGateway.header("x-request-id")).matches(GENERATED);

        TlsProbe.Response redirect = get("127.0.0.1", "old.test", "/x", null);
        assertThat(redirect.status()).isEqualTo(308);
        assertThat(redirect.header("x-request-id")).matches(GENERATED);

        TlsProbe.Response file = get("127.0.0.2", "files.test", "/", "from-edge");
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.body()).isEqualTo("<p>home</p>");
        assertThat(file.header("x-request-id")).isEqualTo("from-edge");
    }

    @Test
    void theJsonAccessLogHasARequestIdField() throws Exception {
        gh.close();
        gh = TestGatehouse.start("""
                access_log: { format: json }
                sites:
                  app.test: { respond: { status: 200, body: "ok" } }
                """, dir);
        try (LogCapture access = LogCapture.of("gatehouse.access")) {
            String id = get("127.0.0.1", "app.test", "/json", null).header("x-request-id");
            assertThat(access.await(l -> l.contains("\"uri\":\"/json\"") && l.contains("\"request_id\":\"" + id + "\""),
                    Duration.ofSeconds(5))).isNotNull();
        }
    }
}
