package dev.gatehouse.server;

import com.sun.net.httpserver.HttpExchange;
import dev.gatehouse.testing.JarProcess;
import dev.gatehouse.testing.RawClient;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Graceful stop: in-flight requests finish, new connections are refused, idle ones close at once. */
class ShutdownIT {
    private static final Duration BACKEND_DELAY = Duration.ofMillis(1500);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final CountDownLatch arrived = new CountDownLatch(1);

    /** Answers 200 "slow done" after {@link #BACKEND_DELAY}; counts the latch down when a request arrives. */
    private void slowAnswer(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        arrived.countDown();
        try {
            Thread.sleep(BACKEND_DELAY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        byte[] body = "slow done".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    private static String config(TestBackend backend) {
        return """
                sites:
                  slow.test:
                    upstream: app
                upstreams:
                  app: { targets: [%s] }
                """.formatted(backend.address());
    }

    private CompletableFuture<HttpResponse<String>> slowRequest(int port) {
        return client.sendAsync(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/slow"))
                .header("Host", "slow.test").timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void stopLetsTheInFlightRequestFinishAndRefusesNewConnections() throws Exception {
        try (TestBackend backend = TestBackend.start("slow", this::slowAnswer);
             TestGatehouse gatehouse = TestGatehouse.start(config(backend))) {
            int port = gatehouse.port();
            CompletableFuture<HttpResponse<String>> inFlight = slowRequest(port);
            assertThat(arrived.await(5, TimeUnit.SECONDS)).as("request reached the backend").isTrue();

            long stopStart = System.nanoTime();
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> gatehouse.stop(Duration.ofSeconds(5)));
            boolean refused = awaitRefused(port, Duration.ofSeconds(2));
            boolean stillInFlight = !inFlight.isDone();
            HttpResponse<String> response = inFlight.get(10, TimeUnit.SECONDS);
            stopped.get(10, TimeUnit.SECONDS);
            Duration stopTook = Duration.ofNanos(System.nanoTime() - stopStart);

            assertThat(refused).as("new connections refused once stop began").isTrue();
            assertThat(stillInFlight).as("refused while the request was still in flight").isTrue();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("slow done");
            assertThat(response.headers().firstValue("connection")).hasValue("close");
            assertThat(stopTook).as("stop waits for the request, not for the whole grace")
                    .isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void stopClosesIdleKeptAliveConnectionsAtOnce() throws Exception {
        try (TestGatehouse gatehouse = TestGatehouse.start("""
                sites:
                  idle.test:
                    respond: { status: 200, body: "ok" }
                """);
             Socket socket = RawClient.connect(gatehouse.port())) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: idle.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] head = new byte[12];
            socket.setSoTimeout(5000);
            assertThat(socket.getInputStream().readNBytes(head, 0, 12)).isEqualTo(12);
            assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");

            long start = System.nanoTime();
            gatehouse.stop(Duration.ofSeconds(5));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            RawClient.Reply rest = RawClient.readToEof(socket, System.nanoTime(), Duration.ofSeconds(2));

            assertThat(took).isLessThan(Duration.ofSeconds(2));
            assertThat(rest.closed()).isTrue();
        }
    }

    @Test
    void whatIsStillBusyAfterTheGraceIsCut() throws Exception {
        try (TestBackend backend = TestBackend.start("slow", this::slowAnswer);
             TestGatehouse gatehouse = TestGatehouse.start(config(backend))) {
            CompletableFuture<HttpResponse<String>> inFlight = slowRequest(gatehouse.port());
            assertThat(arrived.await(5, TimeUnit.SECONDS)).isTrue();

            long start = System.nanoTime();
            gatehouse.stop(Duration.ofMillis(300));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(took).isLessThan(Duration.ofMillis(1300));
            assertThat(inFlight).failsWithin(Duration.ofSeconds(5));
        }
    }

    @Test
    void sigtermDrainsTheInFlightRequestAndExitsZero() throws Exception {
        Path dir = Files.createTempDirectory("gatehouse-shutdown");
        int port = JarProcess.freePort();
        try (TestBackend backend = TestBackend.start("slow", this::slowAnswer)) {
            Path config = dir.resolve("gatehouse.yaml");
            Files.writeString(config, "listen: { http: %d, https: off, address: 127.0.0.1 }\n".formatted(port)
                    + "timeouts: { shutdown: 5s }\n" + config(backend));
            try (JarProcess gatehouse = JarProcess.start(dir, "run", "--config", config.toString())) {
                gatehouse.awaitListening(port, Duration.ofSeconds(20));
                CompletableFuture<HttpResponse<String>> inFlight = slowRequest(port);
                assertThat(arrived.await(5, TimeUnit.SECONDS)).as("request reached the backend").isTrue();

                gatehouse.terminate();
                HttpResponse<String> response = inFlight.get(10, TimeUnit.SECONDS);
                int exit = gatehouse.waitFor(Duration.ofSeconds(10));

                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("slow done");
                assertThat(exit).as("exit code; stderr:\n%s", gatehouse.stderr()).isZero();
                assertThat(gatehouse.stderr()).contains("stopping", "stopped");
                assertThat(gatehouse.stdout()).contains("\"GET /slow HTTP/1.1\" 200");
                assertThat(JarProcess.isFree(port)).isTrue();
            }
        }
    }

    /** Tries to connect until refused; connections that still get through are closed right away. */
    private static boolean awaitRefused(int port, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            } catch (ConnectException e) {
                return true;
            } catch (IOException e) {
                // timed out: try again
            }
            Thread.sleep(10);
        }
        return false;
    }
}
