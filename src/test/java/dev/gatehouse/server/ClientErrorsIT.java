package dev.gatehouse.server;

import dev.gatehouse.metrics.Scrape;
import dev.gatehouse.testing.H2Frames;
import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.RawBackend;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static dev.gatehouse.testing.H2Frames.END_HEADERS;
import static dev.gatehouse.testing.H2Frames.END_STREAM;
import static dev.gatehouse.testing.H2Frames.HEADERS;
import static dev.gatehouse.testing.H2Frames.PING;
import static dev.gatehouse.testing.H2Frames.PROTOCOL_ERROR;
import static dev.gatehouse.testing.H2Frames.RST_STREAM;
import static dev.gatehouse.testing.H2Frames.block;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What clients and targets get wrong ends in one handler or another on every kind of channel (HTTP/1.1, HTTP/2
 * connection and stream, upstream, health check, admin): nothing reaches the end of a pipeline, where Netty logs it
 * as a WARN with a stack trace; clients' HTTP/2 errors are counted by code and scope.
 */
@Timeout(60)
class ClientErrorsIT {
    @TempDir
    Path dir;

    private TestBackend slow;
    private RawBackend garbage;
    private TestGatehouse gh;
    private LogCapture log;

    @BeforeEach
    void start() throws Exception {
        log = LogCapture.of("ROOT");
        slow = TestBackend.start("slow", ex -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        // Answers anything with the start of an HTTP/1.1 response, which is not HTTP/2 either, then closes.
        garbage = RawBackend.start((s, i) -> {
            s.getInputStream().read(new byte[1024]);
            s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            Thread.sleep(500); // then closes: a reset could overtake the bytes
        });
        gh = TestGatehouse.startListening("{ http: 0, https: off, address: 127.0.0.1, h2c: true }", """
                admin: { listen: "127.0.0.1:0" }
                http2: { max_concurrent_streams: 2 }
                sites:
                  a.test:
                    routes:
                      - { path: /slow, upstream: slow }
                      - { path: /h1, upstream: garbage }
                      - { path: /h2, upstream: garbage-h2 }
                      - respond: 204
                upstreams:
                  slow: { targets: [%s] }
                  garbage: { targets: [%s], passive: off }
                  garbage-h2:
                    protocol: h2c
                    targets: [%s]
                    passive: off
                    health: { path: /health, interval: 300ms, timeout: 300ms }
                """.formatted(slow.address(), garbage.address(), garbage.address()), dir);
    }

    @AfterEach
    void stop() throws IOException {
        log.close();
        gh.close();
        slow.close();
        garbage.close();
    }

    @Test
    void brokenHttp2PrefacesGetGoawayAndACountButNoStackTrace() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (Socket s = connect(gh.port())) {
                s.getOutputStream().write(H2Frames.PREFACE);
                s.getOutputStream().write(H2Frames.frameBytes(PING, 0, 0, new byte[8]));
                H2Frames h2 = new H2Frames(s);
                H2Frames.Frame goAway = h2.awaitGoAway();
                assertThat(goAway.errorCode()).isEqualTo(PROTOCOL_ERROR);
            }
        }

        assertThat(http2Errors("connection", "PROTOCOL_ERROR")).isEqualTo(20);
        assertNothingReachedATail();
        assertThat(log.lines().stream().filter(l -> l.contains("HTTP/2 connection error PROTOCOL_ERROR")))
                .as("one line, then quiet for a minute").hasSize(1);
    }

    @Test
    void streamErrorsAndRefusedStreamsAreCountedAndTheConnectionGoesOn() throws Exception {
        try (H2Frames h2 = H2Frames.h2c(gh.port())) {
            h2.frame(HEADERS, END_STREAM | END_HEADERS, 1, block(":method", "GET", ":scheme", "http",
                    ":authority", "a.test", ":path", "/", "Bad-Name", "x"));
            assertThat(h2.await(RST_STREAM, 1).errorCode()).isEqualTo(PROTOCOL_ERROR);
            // Two streams wait on the slow backend; the third is over max_concurrent_streams.
            h2.get(3, "a.test", "/slow");
            h2.get(5, "a.test", "/slow");
            h2.get(7, "a.test", "/slow");
            assertThat(h2.await(RST_STREAM, 7).errorCode()).isEqualTo(H2Frames.REFUSED_STREAM);
            assertThat(h2.awaitStreamEnd(3).type()).as("the streams within the limit are answered").isEqualTo(HEADERS);
        }
        assertThat(http2Errors("stream", "PROTOCOL_ERROR")).isEqualTo(1);
        assertThat(http2Errors("stream", "REFUSED_STREAM")).isEqualTo(1);
        assertThat(http2Errors("connection", "PROTOCOL_ERROR")).isNaN();
        assertNothingReachedATail();
    }

    @Test
    void clientsThatResetMidwayEndQuietly() throws Exception {
        try (Socket s = connect(gh.port())) { // half a preface, then a reset
            s.getOutputStream().write(H2Frames.PREFACE, 0, 10);
            s.getOutputStream().flush();
            Thread.sleep(100);
            s.setSoLinger(true, 0);
        }
        try (Socket s = connect(gh.port())) { // half a request head, then a reset
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: a.te".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            Thread.sleep(100);
            s.setSoLinger(true, 0);
        }
        try (H2Frames h2 = H2Frames.h2c(gh.port())) { // a stream in flight, then a reset
            h2.get(1, "a.test", "/slow");
            Thread.sleep(100);
            h2.socket().setSoLinger(true, 0);
        }
        try (Socket s = connect(gh.server().adminPort())) {
            s.getOutputStream().write("GET /status HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            Thread.sleep(100);
            s.setSoLinger(true, 0);
        }
        Thread.sleep(1700); // the slow backend answers a stream whose connection is gone
        assertThat(status(gh.port(), "/")).startsWith("HTTP/1.1 204");
        assertNothingReachedATail();
        assertThat(log.lines()).filteredOn(l -> !l.contains("upstream=garbage"))
                .noneMatch(l -> l.startsWith("WARN") || l.startsWith("ERROR"));
    }

    @Test
    void targetsThatBreakHttpEndInTheirHandlersToo() throws Exception {
        status(gh.port(), "/h1"); // the head came, the body was cut by a reset: relayed as far as it went
        assertThat(status(gh.port(), "/h2")).startsWith("HTTP/1.1 502");
        String unhealthy = log.await(l -> l.contains("target=" + garbage.address() + " unknown -> unhealthy"),
                Duration.ofSeconds(10));
        assertThat(unhealthy).as("the health check says what was wrong").contains("HTTP/2");
        assertNothingReachedATail();
    }

    private void assertNothingReachedATail() throws InterruptedException {
        Thread.sleep(200); // the event loops finish what the test's last bytes started
        assertThat(log.lines()).noneMatch(l -> l.contains("reached at the tail of the pipeline"));
        assertThat(log.withStackTraces()).as("events logged with a stack trace").isEmpty();
    }

    private double http2Errors(String scope, String code) {
        return Scrape.parse(gh.server().metrics().scrape()).value("gatehouse_http2_protocol_errors_total",
                "code", code, "scope", scope);
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** The status line of a GET on a fresh HTTP/1.1 connection. */
    private static String status(int port, String path) throws IOException {
        try (Socket s = connect(port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\r') {
                line.append((char) c);
            }
            return line.toString();
        }
    }
}
