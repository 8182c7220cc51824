package dev.gatehouse.server;

import static dev.gatehouse.testing.H2Frames.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.H2Frames;
import dev.gatehouse.testing.H2Frames.Frame;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks and protocol errors sent as raw HTTP/2 frames over h2c (RFC 9113): each gets the stream or connection
 * error the RFC asks for, bounded in cost, and a stream error leaves the connection serving other streams.
 */
@Timeout(60)
class Http2HardeningIT {
    @TempDir
    Path dir;

    private TestGatehouse gh;
    private TestBackend slow;

    @BeforeEach
    void start() throws Exception {
        slow = TestBackend.start("slow", ex -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        gh = TestGatehouse.startListening("{ http: 0, https: off, address: 127.0.0.1, h2c: true }", """
                http2: { max_resets: 100, reset_window: 30s, max_header_list_size: 8kb }
                sites:
                  a.test:
                    routes:
                      - { path: /slow, upstream: slow }
                      - respond: { status: 200, body: "ok" }
                upstreams:
                  slow: { targets: [%s] }
                """.formatted(slow.address()), dir);
    }

    @AfterEach
    void stop() {
        gh.close();
        slow.close();
    }

    /** Another request on the same connection still works: the error was the stream's only. */
    private static void stillServes(H2Frames h2, int stream) throws Exception {
        h2.get(stream, "a.test", "/");
        Frame head = h2.awaitStreamEnd(stream);
        assertThat(head.type()).as("response to stream " + stream).isEqualTo(HEADERS);
        assertThat(h2.headers(head).status().toString()).isEqualTo("200");
    }

    private void assertConnectionError(H2Frames h2, int code) throws IOException {
        Frame goAway = h2.awaitGoAway();
        assertThat(goAway).as("GOAWAY").isNotNull();
        assertThat(goAway.errorCode()).as("GOAWAY error code").isEqualTo(code);
        assertThat(h2.closedByServer()).as("closed after GOAWAY").isTrue();
    }

    private static void assertStreamError(H2Frames h2, int stream, int code) throws IOException {
        Frame f = h2.awaitStreamEnd(stream);
        assertThat(f.type()).as("RST_STREAM on " + stream).isEqualTo(RST_STREAM);
        assertThat(f.errorCode()).as("RST_STREAM error code").isEqualTo(code);
    }

    @Test
    void rapidResetGetsEnhanceYourCalmAndTheConnectionIsClosed() throws Exception {
        try (H2Frames h2 = H2Frames.h2c(gh.port())) {
            // Opened and reset at once, as fast as the socket takes them: far more than max_resets.
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            int sent = 0;
            for (int stream = 1; stream < 2 * 1000; stream += 2) {
                burst.writeBytes(frameBytes(HEADERS, END_STREAM | END_HEADERS, stream,
                        block(":method", "GET", ":scheme", "http", ":authority", "a.test", ":path", "/")));
                burst.writeBytes(frameBytes(RST_STREAM, 0, stream, int32(CANCEL)));
                sent++;
            }
            try {
                h2.out().write(burst.toByteArray());
                h2.out().flush();
            } catch (IOException closedWhileWriting) {
                // the server may cut the connection before it has read everything: that is the point
            }
            assertThat(sent).isEqualTo(1000);
            assertConnectionError(h2, ENHANCE_YOUR_CALM);
        }
    }

    @Test
    void continuationFloodIsCutBeforeItIsBuffered() throws Exception {
        try (H2Frames h2 = H2Frames.h2c(gh.port())) {
            h2.frame(HEADERS, END_STREAM, 1, block(":method", "GET", ":scheme", "http", ":authority", "a.test",
                    ":path", "/"));
            // Endless small CONTINUATION frames, never END_HEADERS (CVE-2024-27316).
            byte[] small = frameBytes(CONTINUATION, 0, 1, block("x-a", "b"));
            try {
                for (int i = 0; i < 100_000; i++) {
                    h2.out().write(small);
                }
            } catch (IOException closedWhileWriting) {
                // expected: cut off long before 100 000 frames
            }
            Frame goAway = h2.awaitGoAway();
            assertThat(goAway).as("GOAWAY").isNotNull();
            assertThat(goAway.errorCode()).isIn(ENHANCE_YOUR_CALM, PROTOCOL_ERROR);
        }
    }

    @Test
    void headerBlockOverTheLimitInContinuationsClosesTheConnection() throws Exception {
        try (H2Frames h2 = H2Frames.h2c(gh.port())) {
            h2.frame(HEADERS, END_STREAM, 1, block(":method", "GET", ":scheme", "http", ":authority", "a.test",
                    ":path", "/"));
            byte[] big = frameBytes(CONTINUATION, 0, 1, block("x-big", "v".repeat(15_000)));
            try {
                for (int i = 0; i < 1000; i++) { // 15 MB if nothing stopped it; the limit is 8 KiB
                    h2.out().write(big);
                }
            } catch (IOException closedWhileWriting) {
                // expected
            }
            Frame goAway = h2.awaitGoAway();
            assertThat(goAway).as("GOAWAY").isNotNull();
            assertThat(goAway.errorCode()).isIn(ENHANCE_YOUR_CALM, PROTOCOL_ERROR);
        }
    }

    @Test
    void headerListOverTheLimitGets431AndTheConnectionGoesOn() throws Exception {
        try (H2Frames h2 = H2Frames.h2c(gh.port())) {
            h2.get(1, "a.test", "/", "x-big", "v".repeat(9000));
            Frame head = h2.awaitStreamEnd(1);
            assertThat(head.type()).isEqualTo(HEADERS);
            assertThat(h2.headers(head).status().toString()).isEqualTo("431");
            stillServes(h2, 3);
        }
    }

    @Test
    void hpackTableSizeUpdateAboveTheSettingIsACompressionError() throws Exception {
        try (H2Frames h2 = H2Frames.h2c(gh.port())) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            integer(b, 0x20, 5, 1 << 20); // dynamic table size update to 1 MiB; the server allows 4 KiB
            b.writeBytes(block(":method", "GET", ":scheme", "http", ":authority", "a.test", ":path", "/"));
            h2.frame(HEADERS, END_STREAM | END_HEADERS, 1, b.toByteArray());
            assertConnectionError(h2, COMPRESSION_ERROR);
        }
    }

    @Test
    void dataOnStreamZeroIsAConnectionError() throws Exception {
        try (H2Frames h2 = H2Frames.h2c(gh.port())) {
            h2.frame(DATA, 0, 0, new byte[8]);
            assertConnectionError(h2, PROTOCOL_ERROR);
        }
    }

    @Test
    void headersOnAnEvenStreamIsAConnectionError() throws Exception {
        try (H2Frames h2 = H2Frames.h2c(gh.port())) {
            h2.get(2, "a.test", "/");
            assertConnectionError(h2, PROTOCOL_ERROR);
        }
    }

    @Test
    void frameLargerThanMaxFrameSizeIsAFrameSizeError() throws Exception {
        try (H2Frames h2 = H2Frames.h2c(gh.port())) {
            h2.frame(HEADERS, END_HEADERS, 1, block(":method", "POST", ":scheme", "http", ":authority", "a.test",
                    ":path", "/"));
            h2.frame(DATA, 0, 1, new byte[16 * 1024 + 1]);
            assertConnectionError(h2, FRAME_SIZE_ERROR);
        }
    }

    @Test
    void windowUpdateOfZero() throws Exception {
        try (H2Frames h2 = H2Frames.h2c(gh.port())) {
            // A request whose answer takes a while, so that the stream is open when the bad frame comes.
            h2.frame(HEADERS, END_HEADERS, 1, block(":method", "POST", ":scheme", "http", ":authority", "a.test",
                    ":path", "/slow"));
            h2.windowUpdate(1, 0); // on a stream: a stream error
            assertStreamError(h2, 1, PROTOCOL_ERROR);
            stillServes(h2, 3);
            h2.windowUpdate(0, 0); // on the connection: a connection error
            assertConnectionError(h2, PROTOCOL_ERROR);
        }
    }

    @Test
    void priorityOnItselfIsAStreamError() throws Exception {
        try (H2Frames h2 = H2Frames.h2c(gh.port())) {
            h2.frame(PRIORITY, 0, 5, new byte[] {0, 0, 0, 5, 16});
            assertStreamError(h2, 5, PROTOCOL_ERROR);
            stillServes(h2, 7);
        }
    }

    @Test
    void malformedRequestsAreStreamErrors() throws Exception {
        String[][] malformed = {
                {":method", "GET", ":scheme", "http", ":authority", "a.test", ":path", "/", "connection", "close"},
                {":method", "GET", ":scheme", "http", ":authority", "a.test", ":path", "/", "transfer-encoding", "chunked"},
                {":method", "GET", ":scheme", "http", ":authority", "a.test", ":path", "/", "te", "gzip"},
                {":method", "GET", ":scheme", "http", ":authority", "a.test", ":path", "/", "upgrade", "websocket"},
                {":method", "GET", ":scheme", "http", ":authority", "a.test", ":path", "/", "X-Upper", "1"},
                {":method", "GET", ":scheme", "http", ":authority", "a.test"},
                {":method", "GET", ":method", "GET", ":scheme", "http", ":authority", "a.test", ":path", "/"},
                {":method", "GET", ":scheme", "http", ":authority", "a.test", ":path", "/", "host", "b.test"},
                {":method", "GET", ":scheme", "http", ":authority", "a.test", ":path", "/", ":status", "200"},
                {":method", "GET", "accept", "*/*", ":scheme", "http", ":authority", "a.test", ":path", "/"},
        };
        try (H2Frames h2 = H2Frames.h2c(gh.port())) {
            int stream = 1;
            for (String[] headers : malformed) {
                h2.frame(HEADERS, END_STREAM | END_HEADERS, stream, block(headers));
                Frame f = h2.awaitStreamEnd(stream);
                assertThat(f.type()).as("answer to " + String.join(" ", headers)).isEqualTo(RST_STREAM);
                assertThat(f.errorCode()).as("error for " + String.join(" ", headers)).isEqualTo(PROTOCOL_ERROR);
                stream += 2;
            }
            // te: trailers is allowed, and the same Host as :authority is fine.
            h2.get(stream, "a.test", "/", "te", "trailers", "host", "a.test");
            Frame head = h2.awaitStreamEnd(stream);
            assertThat(head.type()).isEqualTo(HEADERS);
            assertThat(h2.headers(head).status().toString()).isEqualTo("200");
            stillServes(h2, stream + 2);
        }
    }

    @Test
    void invalidPrefaceOnH2cIsNotHttp2() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", gh.port()), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).as("read as HTTP/1.1 and refused").startsWith("HTTP/1.1 505")
                    .containsIgnoringCase("connection: close");
        }
    }

    @Test
    void responsesCarryNoConnectionSpecificHeaders() throws Exception {
        try (H2Frames h2 = H2Frames.h2c(gh.port())) {
            h2.get(1, "a.test", "/");
            Http2Headers headers = h2.headers(h2.awaitStreamEnd(1));
            assertThat(headers.status().toString()).isEqualTo("200");
            assertThat(headers.contains("date")).isTrue();
            for (String name : new String[] {"connection", "keep-alive", "transfer-encoding", "upgrade"}) {
                assertThat(headers.contains(name)).as(name).isFalse();
            }
            assertThat(new String(h2.body(1), StandardCharsets.UTF_8)).isEqualTo("ok");
        }
    }
}
