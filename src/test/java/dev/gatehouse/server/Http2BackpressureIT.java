package dev.gatehouse.server;

import static dev.gatehouse.testing.H2Frames.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.GatehouseProcess;
import dev.gatehouse.testing.H2Frames;
import dev.gatehouse.testing.H2Frames.Frame;
import dev.gatehouse.testing.TestBackend;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Flow control per stream: a 64 MiB proxied download that the client does not read stalls only its own stream;
 * another stream on the same connection completes at once, the upstream is paused rather than drained into
 * Gatehouse (which runs with a 96 MiB heap), and once the client reads again the download completes whole.
 *
 * <p>The resuming client returns credit in both ways real clients do: for the stream only (the connection window
 * is large enough for the rest), or for the stream and the connection after every DATA frame.
 */
@Timeout(120)
class Http2BackpressureIT {
    private static final long BIG = 64L << 20;

    @ParameterizedTest(name = "connection updates: {0}")
    @ValueSource(booleans = {false, true})
    void aStalledStreamHoldsBackItsUpstreamAndNotTheOtherStreams(boolean connectionUpdates) throws Exception {
        AtomicLong written = new AtomicLong();
        try (TestBackend backend = TestBackend.start("big", ex -> {
                 if (ex.getRequestURI().getPath().equals("/big")) {
                     ex.sendResponseHeaders(200, BIG);
                     byte[] chunk = new byte[64 * 1024];
                     try (OutputStream out = ex.getResponseBody()) {
                         for (long sent = 0; sent < BIG; sent += chunk.length) {
                             out.write(chunk);
                             written.addAndGet(chunk.length);
                         }
                     }
                 } else {
                     byte[] body = "small".getBytes(StandardCharsets.UTF_8);
                     ex.sendResponseHeaders(200, body.length);
                     ex.getResponseBody().write(body);
                     ex.close();
                 }
             });
             GatehouseProcess gh = GatehouseProcess.startListening("h2c: true", """
                     sites:
                       a.test: { upstream: big }
                     upstreams:
                       big: { targets: [%s] }
                     """.formatted(backend.address()), "-Xmx96m");
             Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", gh.port()), 5000);
            H2Frames h2 = new H2Frames(socket);
            h2.handshake();
            // The client's own windows: 64 KiB per stream (the default), a large one for the connection, so that
            // the stalled stream cannot use up the connection's.
            h2.windowUpdate(0, 1 << 30);
            h2.get(1, "a.test", "/big");
            h2.get(3, "a.test", "/small");

            long stalledBytes = 0;
            byte[] small = null;
            long begin = System.nanoTime();
            while (small == null) {
                Frame f = h2.next();
                if (f.stream() == 1 && f.type() == DATA) {
                    stalledBytes += f.payload().length;
                } else if (f.stream() == 3 && f.type() == DATA && (f.flags() & END_STREAM) != 0) {
                    small = f.payload();
                }
            }
            long smallMillis = (System.nanoTime() - begin) / 1_000_000;
            assertThat(new String(small, StandardCharsets.UTF_8)).isEqualTo("small");
            assertThat(smallMillis).as("the other stream's response time in ms").isLessThan(5000);

            Thread.sleep(3000); // the big stream stays unread
            long upstreamSent = written.get();
            assertThat(stalledBytes).as("bytes on the stalled stream (its window)").isLessThanOrEqualTo(65_535);
            assertThat(upstreamSent).as("bytes the upstream could write while the client read nothing")
                    .isLessThan(24L << 20);
            System.out.printf("stalled stream: %d bytes to the client, %d bytes from the upstream%n", stalledBytes,
                    upstreamSent);

            // The client reads again: the rest arrives, every byte of it.
            if (stalledBytes > 0) {
                h2.windowUpdate(1, (int) stalledBytes); // what was read so far is consumed now
            }
            long got = 0;
            boolean end = false;
            try {
                while (!end) {
                    Frame f = h2.next();
                    if (f.type() == DATA && f.stream() == 1) {
                        got += f.payload().length;
                        end = (f.flags() & END_STREAM) != 0;
                        if (f.payload().length > 0) {
                            if (connectionUpdates) {
                                h2.windowUpdate(0, f.payload().length);
                            }
                            h2.windowUpdate(1, f.payload().length);
                        }
                    } else if (f.type() == RST_STREAM || f.type() == GOAWAY) {
                        throw new AssertionError(f + " with code " + f.errorCode() + " after " + got + " bytes");
                    }
                }
            } catch (java.io.IOException e) {
                throw new AssertionError("reading the rest after " + got + " bytes (upstream wrote " + written.get()
                        + "): " + e.getMessage() + "\n"
                        + gh.stderr() + gh.stdout(), e);
            }
            byte[] rest = new byte[(int) got];
            assertThat(stalledBytes + rest.length).isEqualTo(BIG);
            assertThat(gh.isAlive()).isTrue();
            assertThat(gh.stderr()).doesNotContain("OutOfMemoryError", "LEAK");
        }
    }
}
