package dev.gatehouse.proxy;

import com.sun.net.httpserver.HttpExchange;
import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.RawBackend;
import dev.gatehouse.testing.RawConnection;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code limits.max_body}: a body over it is refused with 413 and never reaches the upstream whole. */
class BodyLimitIT {
    private static final String LIMITS = "limits: { max_body: 64kb }";

    /** A backend that reads the whole body, reports what it got ("complete N" or "broken after N"), answers 200. */
    private static final class BodyRecorder implements AutoCloseable {
        final LinkedBlockingQueue<String> outcomes = new LinkedBlockingQueue<>();
        final TestBackend backend;

        BodyRecorder() throws IOException {
            backend = TestBackend.start("recorder", this::handle);
        }

        private void handle(HttpExchange ex) throws IOException {
            long n = 0;
            byte[] buf = new byte[8192];
            try (InputStream in = ex.getRequestBody()) {
                for (int r; (r = in.read(buf)) > 0; ) {
                    n += r;
                }
            } catch (IOException e) {
                outcomes.add("broken after " + n);
                throw e;
            }
            outcomes.add("complete " + n);
            ex.sendResponseHeaders(200, -1);
            ex.close();
        }

        @Override
        public void close() {
            backend.close();
        }
    }

    @Test
    void contentLengthOverTheLimitIs413AndNeverForwarded() throws Exception {
        try (BodyRecorder recorder = new BodyRecorder();
             TestGatehouse gh = TestGatehouse.start(Configs.proxyWith(LIMITS, recorder.backend.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            RawConnection.Response r = c.send("POST /up HTTP/1.1\r\nHost: example.test\r\nContent-Length: 65537\r\n\r\n")
                    .read();

            assertThat(r.status()).isEqualTo(413);
            assertThat(r.bodyText()).startsWith("413 ");
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(recorder.backend.requestCount()).isZero();
        }
    }

    @Test
    void contentLengthAtTheLimitPasses() throws Exception {
        try (BodyRecorder recorder = new BodyRecorder();
             TestGatehouse gh = TestGatehouse.start(Configs.proxyWith(LIMITS, recorder.backend.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            byte[] body = new byte[65536];
            c.send("POST /up HTTP/1.1\r\nHost: example.test\r\nContent-Length: 65536\r\n\r\n").send(body);

            assertThat(c.read().status()).isEqualTo(200);
            assertThat(recorder.outcomes.poll(5, TimeUnit.SECONDS)).isEqualTo("complete 65536");
        }
    }

    @Test
    void chunkedBodyGrowingOverTheLimitIs413AndTheUpstreamNeverGetsItWhole() throws Exception {
        try (BodyRecorder recorder = new BodyRecorder();
             TestGatehouse gh = TestGatehouse.start(Configs.proxyWith(LIMITS, recorder.backend.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            c.send("POST /up HTTP/1.1\r\nHost: example.test\r\nTransfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = new byte[16 * 1024];
            Arrays.fill(chunk, (byte) 'a');
            for (int i = 0; i < 5; i++) { // 80 KiB, over 64 KiB in the fifth chunk; no last chunk is sent
                c.send(("4000\r\n").getBytes(StandardCharsets.US_ASCII)).send(chunk).send("\r\n");
                Thread.sleep(20);
            }
            RawConnection.Response r = c.read();

            assertThat(r.status()).isEqualTo(413);
            assertThat(c.closedByPeer()).isTrue();
            String outcome = recorder.outcomes.poll(5, TimeUnit.SECONDS);
            assertThat(outcome).as("what the upstream got").isNotNull().startsWith("broken after ");
            assertThat(Long.parseLong(outcome.substring("broken after ".length()))).isLessThanOrEqualTo(65536);
        }
    }

    @Test
    void chunkedBodyGrowingOverTheLimitAfterTheResponseStartedCutsTheConnection() throws Exception {
        // The upstream answers at once (a streaming endpoint) and reads the body meanwhile, recording its end.
        LinkedBlockingQueue<String> upstreamSaw = new LinkedBlockingQueue<>();
        try (RawBackend backend = RawBackend.start((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789"
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            try {
                s.getInputStream().transferTo(body);
            } finally {
                String tail = body.toString(StandardCharsets.ISO_8859_1);
                upstreamSaw.add(tail.endsWith("\r\n0\r\n\r\n") ? "last chunk" : "cut off");
            }
        });
             TestGatehouse gh = TestGatehouse.start(Configs.proxyWith(LIMITS, backend.address()));
             LogCapture access = LogCapture.of("gatehouse.access");
             RawConnection c = RawConnection.connect(gh.port())) {
            c.send("POST /stream HTTP/1.1\r\nHost: example.test\r\nTransfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = new byte[16 * 1024];
            for (int i = 0; i < 5; i++) {
                c.send("4000\r\n").send(chunk).send("\r\n");
                Thread.sleep(20);
            }
            RawConnection.Response r = c.read();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.complete()).as("the response is cut short, visibly").isFalse();
            assertThat(upstreamSaw.poll(5, TimeUnit.SECONDS)).isEqualTo("cut off");
            assertThat(access.await(l -> l.contains("\"POST /stream HTTP/1.1\" 200 ") && l.contains("cause=bad-body"),
                    Duration.ofSeconds(2))).isNotNull();
        }
    }
}
