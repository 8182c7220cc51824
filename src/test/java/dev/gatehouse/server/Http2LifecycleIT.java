package dev.gatehouse.server;

import static dev.gatehouse.testing.H2Frames.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.H2Frames;
import dev.gatehouse.testing.H2Frames.Frame;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The life of an HTTP/2 connection: idle close, the stream limit, graceful drain on stop. */
@Timeout(60)
class Http2LifecycleIT {
    private static final String LISTEN = "{ http: 0, https: off, address: 127.0.0.1, h2c: true }";

    @TempDir
    Path dir;

    private static TestBackend slowBackend(long millis) throws Exception {
        return TestBackend.start("slow", ex -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
    }

    @Test
    void aConnectionWithNoStreamIsClosedWithGoAwayAfterTheIdleTimeout() throws Exception {
        try (TestGatehouse gh = TestGatehouse.startListening(LISTEN, """
                timeouts: { idle: 1s }
                sites:
                  a.test: { respond: { status: 200, body: "ok" } }
                """, dir);
             H2Frames h2 = H2Frames.h2c(gh.port())) {
            h2.get(1, "a.test", "/");
            assertThat(h2.awaitStreamEnd(1).type()).isEqualTo(HEADERS);
            long start = System.nanoTime();
            Frame goAway = h2.awaitGoAway();
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertThat(goAway).as("GOAWAY").isNotNull();
            assertThat(goAway.errorCode()).isEqualTo(NO_ERROR);
            assertThat(waited).as("ms until GOAWAY").isBetween(500L, 8000L);
            assertThat(h2.closedByServer()).isTrue();
        }
    }

    /** The HTTP/1.1 head timeout ends where the h2c preface is read: HTTP/2 has its own clocks. */
    @Test
    void anH2cConnectionOutlivesTheHttp1HeadTimeout() throws Exception {
        try (TestGatehouse gh = TestGatehouse.startListening(LISTEN, """
                timeouts: { client_header: 1s, idle: 30s }
                sites:
                  a.test: { respond: { status: 200, body: "ok" } }
                """, dir);
             H2Frames h2 = H2Frames.h2c(gh.port())) {
            Thread.sleep(2500);
            h2.get(1, "a.test", "/");
            assertThat(h2.awaitStreamEnd(1).type()).as("the answer after the head timeout").isEqualTo(HEADERS);
        }
    }

    @Test
    void streamsOverTheLimitAreRefused() throws Exception {
        try (TestBackend slow = slowBackend(2000);
             TestGatehouse gh = TestGatehouse.startListening(LISTEN, """
                     http2: { max_concurrent_streams: 2 }
                     sites:
                       a.test: { upstream: slow }
                     upstreams:
                       slow: { targets: [%s] }
                     """.formatted(slow.address()), dir);
             H2Frames h2 = H2Frames.h2c(gh.port())) {
            h2.get(1, "a.test", "/1");
            h2.get(3, "a.test", "/2");
            h2.get(5, "a.test", "/3");
            Frame refused = h2.awaitStreamEnd(5);
            assertThat(refused.type()).isEqualTo(RST_STREAM);
            assertThat(refused.errorCode()).isEqualTo(REFUSED_STREAM);
            // The two streams within the limit are answered (response headers decoded in arrival order: HPACK).
            java.util.Map<Integer, String> statuses = new java.util.HashMap<>();
            while (statuses.size() < 2) {
                Frame f = h2.next();
                if (f.type() == HEADERS) {
                    statuses.put(f.stream(), h2.headers(f).status().toString());
                }
            }
            assertThat(statuses).containsEntry(1, "204").containsEntry(3, "204");
        }
    }

    @Test
    void stopSendsGoAwayAndLetsTheStreamInFlightFinish() throws Exception {
        try (TestBackend slow = slowBackend(1500);
             TestGatehouse gh = TestGatehouse.startListening(LISTEN, """
                     sites:
                       a.test: { upstream: slow }
                     upstreams:
                       slow: { targets: [%s] }
                     """.formatted(slow.address()), dir);
             H2Frames h2 = H2Frames.h2c(gh.port())) {
            h2.get(1, "a.test", "/in-flight");
            Thread.sleep(300); // the request has reached the upstream
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> gh.stop(Duration.ofSeconds(10)));
            Frame first = h2.next();
            while (first.type() != GOAWAY && first.type() != HEADERS) {
                first = h2.next();
            }
            assertThat(first.type()).as("GOAWAY before the response").isEqualTo(GOAWAY);
            assertThat(first.errorCode()).isEqualTo(NO_ERROR);
            Frame response = h2.awaitStreamEnd(1);
            assertThat(response.type()).isEqualTo(HEADERS);
            assertThat(h2.headers(response).status().toString()).isEqualTo("204");
            assertThat(h2.closedByServer()).isTrue();
            stopped.get(15, TimeUnit.SECONDS);
        }
    }
}
