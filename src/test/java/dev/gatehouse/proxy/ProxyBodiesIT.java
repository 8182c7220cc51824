package dev.gatehouse.proxy;

import com.sun.net.httpserver.HttpExchange;
import dev.gatehouse.testing.RawBackend;
import dev.gatehouse.testing.RawConnection;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/** Bodies both ways: Content-Length and chunked, 100-continue, HEAD, 204/304, HTTP/1.0 clients. */
class ProxyBodiesIT {
    private static final byte[] PAYLOAD = randomBytes(300_000);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(42).nextBytes(b);
        return b;
    }

    private static String crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return Long.toHexString(crc.getValue());
    }

    /** Reads the request body and answers {@code bytes=N crc=X}, chunked (length unknown in advance). */
    private static void countBody(HttpExchange ex) throws IOException {
        CRC32 crc = new CRC32();
        long n = 0;
        byte[] buf = new byte[16384];
        try (InputStream in = ex.getRequestBody()) {
            for (int r; (r = in.read(buf)) > 0; ) {
                crc.update(buf, 0, r);
                n += r;
            }
        }
        byte[] answer = ("bytes=" + n + " crc=" + Long.toHexString(crc.getValue())
                + " te=" + ex.getRequestHeaders().getFirst("Transfer-Encoding")
                + " expect=" + ex.getRequestHeaders().getFirst("Expect")).getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(answer);
        }
    }

    /** Answers PAYLOAD, chunked in 7 KiB writes when the path has "chunked", else with Content-Length. */
    private static void sendPayload(HttpExchange ex) throws IOException {
        ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
        boolean chunked = ex.getRequestURI().getPath().contains("chunked");
        ex.sendResponseHeaders(200, chunked ? 0 : PAYLOAD.length);
        try (OutputStream out = ex.getResponseBody()) {
            for (int off = 0; off < PAYLOAD.length; off += 7 * 1024) {
                out.write(PAYLOAD, off, Math.min(7 * 1024, PAYLOAD.length - off));
                out.flush();
            }
        }
    }

    @Test
    void contentLengthRequestBodyArrivesWhole() throws Exception {
        try (TestBackend backend = TestBackend.start("count", ProxyBodiesIT::countBody);
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()))) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(gh.uri("/upload")).header("Host", "example.test")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(PAYLOAD)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith("bytes=" + PAYLOAD.length + " crc=" + crc(PAYLOAD) + " te=null");
        }
    }

    @Test
    void chunkedRequestBodyArrivesWholeAndChunked() throws Exception {
        try (TestBackend backend = TestBackend.start("count", ProxyBodiesIT::countBody);
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()))) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(gh.uri("/upload")).header("Host", "example.test")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(PAYLOAD))).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith("bytes=" + PAYLOAD.length + " crc=" + crc(PAYLOAD) + " te=chunked");
        }
    }

    @Test
    void chunkedResponseIsRelayedChunked() throws Exception {
        try (TestBackend backend = TestBackend.start("payload", ProxyBodiesIT::sendPayload);
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            RawConnection.Response r = c.send("GET /chunked HTTP/1.1\r\nHost: example.test\r\n\r\n").read();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("transfer-encoding")).isEqualTo("chunked");
            assertThat(r.header("content-length")).isNull();
            assertThat(r.complete()).isTrue();
            assertThat(r.body()).isEqualTo(PAYLOAD);
        }
    }

    @Test
    void contentLengthResponseKeepsItsLength() throws Exception {
        try (TestBackend backend = TestBackend.start("payload", ProxyBodiesIT::sendPayload);
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            RawConnection.Response r = c.send("GET /fixed HTTP/1.1\r\nHost: example.test\r\n\r\n").read();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("content-length")).isEqualTo(String.valueOf(PAYLOAD.length));
            assertThat(r.header("transfer-encoding")).isNull();
            assertThat(r.body()).isEqualTo(PAYLOAD);
        }
    }

    @Test
    void expect100ContinueGetsContinueThenTheResponse() throws Exception {
        try (TestBackend backend = TestBackend.start("count", ProxyBodiesIT::countBody);
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            c.send("POST /upload HTTP/1.1\r\nHost: example.test\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            RawConnection.Response interim = c.read();
            assertThat(interim.status()).isEqualTo(100);

            RawConnection.Response r = c.send("hello").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).startsWith("bytes=5 crc=" + crc("hello".getBytes(StandardCharsets.US_ASCII)))
                    .endsWith("expect=null");
        }
    }

    @Test
    void headResponseHasNoBodyEvenWithContentLength() throws Exception {
        try (RawBackend backend = RawBackend.start((s, i) -> {
            for (String head; (head = RawBackend.readHead(s.getInputStream())) != null; ) {
                String answer = head.startsWith("HEAD ")
                        ? "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"
                        : RawBackend.response(200, "after-head");
                s.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
            }
        });
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            RawConnection.Response head = c.send("HEAD /h HTTP/1.1\r\nHost: example.test\r\n\r\n").read(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo("1234");

            // Had a body (or a chunk terminator) followed the HEAD response, this would read it instead.
            RawConnection.Response next = c.send("GET /h HTTP/1.1\r\nHost: example.test\r\n\r\n").read();
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.bodyText()).isEqualTo("after-head");
        }
    }

    @Test
    void noContentAndNotModifiedHaveNoBody() throws Exception {
        try (RawBackend backend = RawBackend.start((s, i) -> {
            for (String head; (head = RawBackend.readHead(s.getInputStream())) != null; ) {
                String answer;
                if (head.startsWith("GET /204")) {
                    answer = "HTTP/1.1 204 No Content\r\n\r\n";
                } else if (head.startsWith("GET /304")) {
                    answer = "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n";
                } else {
                    answer = RawBackend.response(200, "last");
                }
                s.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
            }
        });
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            RawConnection.Response noContent = c.send("GET /204 HTTP/1.1\r\nHost: example.test\r\n\r\n").read();
            assertThat(noContent.status()).isEqualTo(204);
            assertThat(noContent.header("transfer-encoding")).isNull();
            assertThat(noContent.header("content-length")).isNull();

            RawConnection.Response notModified = c.send("GET /304 HTTP/1.1\r\nHost: example.test\r\n"
                    + "If-None-Match: \"v1\"\r\n\r\n").read();
            assertThat(notModified.status()).isEqualTo(304);
            assertThat(notModified.header("etag")).isEqualTo("\"v1\"");
            assertThat(notModified.header("transfer-encoding")).isNull();

            RawConnection.Response last = c.send("GET /last HTTP/1.1\r\nHost: example.test\r\n\r\n").read();
            assertThat(last.status()).isEqualTo(200);
            assertThat(last.bodyText()).isEqualTo("last");
        }
    }

    @Test
    void http10ClientGetsAnUnchunkedBodyEndedByClose() throws Exception {
        try (TestBackend backend = TestBackend.start("payload", ProxyBodiesIT::sendPayload);
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()))) {
            for (String path : new String[] {"/chunked", "/fixed"}) {
                try (RawConnection c = RawConnection.connect(gh.port())) {
                    RawConnection.Response r = c.send("GET " + path + " HTTP/1.0\r\nHost: example.test\r\n\r\n").read();

                    assertThat(r.status()).as(path).isEqualTo(200);
                    assertThat(r.header("transfer-encoding")).as(path).isNull();
                    assertThat(r.body()).as(path).isEqualTo(PAYLOAD);
                    assertThat(c.closedByPeer()).as(path + ": connection closed after the response").isTrue();
                }
            }
        }
    }

    @Test
    void http10ClientAskingForKeepAliveGetsAFramedBody() throws Exception {
        try (TestBackend backend = TestBackend.start("payload", ProxyBodiesIT::sendPayload);
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            RawConnection.Response r = c.send("GET /fixed HTTP/1.0\r\nHost: example.test\r\nConnection: keep-alive\r\n\r\n")
                    .read();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("connection")).isEqualToIgnoringCase("keep-alive");
            assertThat(r.body()).isEqualTo(PAYLOAD);
            RawConnection.Response again = c.send("GET /fixed HTTP/1.0\r\nHost: example.test\r\n\r\n").read();
            assertThat(again.body()).isEqualTo(PAYLOAD);
        }
    }
}
