package dev.gatehouse.proxy;

import dev.gatehouse.metrics.Scrape;
import dev.gatehouse.testing.H2Frames;
import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.RawBackend;
import dev.gatehouse.testing.RawClient;
import dev.gatehouse.testing.TestGatehouse;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code timeouts.client_body}: a request body that pauses longer than that between two reads gets 408, the
 * connection is closed and so is the upstream connection the request held, with an access-log line and a metric.
 * A body that keeps coming, however slowly, goes through.
 */
@Timeout(60)
class SlowBodyIT {
    private static final String CONFIG = """
            timeouts: { client_body: 1s }
            sites:
              example.test:
                upstream: app
            upstreams:
              app: { targets: [%s] }
            """;

    /** A backend that reads the head, then the body to EOF; it records when Gatehouse closed its connection. */
    private static final class ReadingBackend implements AutoCloseable {
        final CompletableFuture<Long> upstreamClosedAt = new CompletableFuture<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final RawBackend backend;

        ReadingBackend(boolean answerAtEnd, int length) throws IOException {
            backend = RawBackend.start((s, i) -> {
                InputStream in = s.getInputStream();
                RawBackend.readHead(in);
                int n = 0;
                int b;
                while (n < length && (b = in.read()) >= 0) {
                    synchronized (body) {
                        body.write(b);
                    }
                    n++;
                }
                if (n == length && answerAtEnd) {
                    s.getOutputStream().write(RawBackend.response(200, "got " + n).getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    return;
                }
                upstreamClosedAt.complete(System.nanoTime());
            });
        }

        @Override
        public void close() throws IOException {
            backend.close();
        }
    }

    private static double bodyTimeouts(TestGatehouse gh) {
        return Scrape.parse(gh.server().metrics().scrape())
                .value("gatehouse_client_timeouts_total", "listener", "http", "reason", "body");
    }

    @Test
    void aStalledBodyGets408AndDoesNotHoldTheUpstreamConnection() throws Exception {
        try (ReadingBackend backend = new ReadingBackend(true, 100);
             TestGatehouse gh = TestGatehouse.start(CONFIG.formatted(backend.backend.address()));
             LogCapture access = LogCapture.of("gatehouse.access");
             Socket socket = RawClient.connect(gh.port())) {
            double before = bodyTimeouts(gh);
            long start = System.nanoTime();
            socket.getOutputStream().write(("POST /upload HTTP/1.1\r\nHost: example.test\r\nContent-Length: 100\r\n\r\n"
                    + "0123456789").getBytes(StandardCharsets.US_ASCII));

            RawClient.Reply reply = RawClient.readToEof(socket, start, Duration.ofSeconds(10));

            assertThat(reply.closed()).isTrue();
            assertThat(reply.response().status()).isEqualTo(408);
            assertThat(reply.response().header("connection")).isEqualToIgnoringCase("close");
            assertThat(reply.response().bodyText()).startsWith("408 Request Timeout");
            long closedAt = backend.upstreamClosedAt.get(5, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(closedAt - start)).as("the upstream connection held")
                    .isBetween(Duration.ofMillis(900), Duration.ofSeconds(4));
            synchronized (backend.body) {
                assertThat(backend.body.toString(StandardCharsets.US_ASCII)).isEqualTo("0123456789");
            }
            assertThat(access.await(l -> l.contains("\"POST /upload HTTP/1.1\" 408 ") && l.contains("cause=body-timeout")
                    && l.contains("target=" + backend.backend.address()), Duration.ofSeconds(2))).isNotNull();
            assertThat(bodyTimeouts(gh)).isEqualTo(before + 1);
        }
    }

    @Test
    void aSlowBodyWithShortPausesGoesThrough() throws Exception {
        try (ReadingBackend backend = new ReadingBackend(true, 50);
             TestGatehouse gh = TestGatehouse.start(CONFIG.formatted(backend.backend.address()));
             Socket socket = RawClient.connect(gh.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("POST /upload HTTP/1.1\r\nHost: example.test\r\nContent-Length: 50\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 5; i++) {
                Thread.sleep(400); // 2 s in all, each pause well under client_body
                out.write("0123456789".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }

            RawClient.Reply reply = RawClient.readToEof(socket, System.nanoTime(), Duration.ofSeconds(3));

            assertThat(reply.response().status()).isEqualTo(200);
            assertThat(reply.response().bodyText()).isEqualTo("got 50");
        }
    }

    @Test
    void aStalledBodyOnAnHttp2StreamGets408() throws Exception {
        try (ReadingBackend backend = new ReadingBackend(true, 100);
             TestGatehouse gh = TestGatehouse.startListening("{ http: 0, https: off, address: 127.0.0.1, h2c: true }",
                     CONFIG.formatted(backend.backend.address()), Files.createTempDirectory("slow-body-h2"));
             LogCapture access = LogCapture.of("gatehouse.access");
             H2Frames h2 = H2Frames.h2c(gh.port())) {
            long start = System.nanoTime();
            h2.frame(H2Frames.HEADERS, H2Frames.END_HEADERS, 1, H2Frames.block(":method", "POST", ":scheme", "http",
                    ":authority", "example.test", ":path", "/upload", "content-length", "100"));
            h2.frame(H2Frames.DATA, 0, 1, "0123456789".getBytes(StandardCharsets.US_ASCII));

            H2Frames.Frame end = h2.awaitStreamEnd(1);

            assertThat(end.type()).as("a response, not a reset: %s", end).isEqualTo(H2Frames.HEADERS);
            Http2Headers headers = h2.headers(end);
            assertThat(headers.status().toString()).isEqualTo("408");
            long closedAt = backend.upstreamClosedAt.get(5, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(closedAt - start)).as("the upstream connection held")
                    .isBetween(Duration.ofMillis(900), Duration.ofSeconds(4));
            assertThat(access.await(l -> l.contains("\"POST /upload HTTP/2.0\" 408 ") && l.contains("cause=body-timeout"),
                    Duration.ofSeconds(2))).isNotNull();
        }
    }
}
