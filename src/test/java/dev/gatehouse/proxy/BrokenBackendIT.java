package dev.gatehouse.proxy;

import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.RawBackend;
import dev.gatehouse.testing.RawClient;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backend that answers with a broken response head: Gatehouse parses it as strictly as a request, answers 502
 * (a gRPC call gets UNAVAILABLE) to HTTP/1.1 and HTTP/2 clients alike, never relays it, closes the upstream
 * connection, counts the failure for passive health, and logs site, upstream, target and what was wrong.
 */
@Timeout(120)
class BrokenBackendIT {
    private static final String LISTEN = "{ http: 0, https: off, address: 127.0.0.1, h2c: true }";

    static Stream<Arguments> brokenHeads() {
        return Stream.of(
                Arguments.of("letters in the status code", "HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\nok",
                        "status code \"2OO\""),
                Arguments.of("no status line at all", "nonsense\r\n\r\n", "status line \"nonsense\""),
                Arguments.of("status 1000", "HTTP/1.1 1000 Big\r\nContent-Length: 2\r\n\r\nok",
                        "status code \"1000\""),
                Arguments.of("status 099", "HTTP/1.1 099 Small\r\nContent-Length: 2\r\n\r\nok",
                        "status code \"099\""),
                Arguments.of("a Content-Length that is no number",
                        "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nok", "Content-Length"),
                Arguments.of("two different Content-Lengths",
                        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok", "Content-Length"),
                Arguments.of("an obs-folded header",
                        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Folded: a\r\n b\r\n\r\nok", "obs-fold"),
                Arguments.of("Content-Length with Transfer-Encoding: chunked",
                        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
                        "both Content-Length and Transfer-Encoding"),
                Arguments.of("a transfer coding other than chunked",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
                        "Transfer-Encoding \"gzip, chunked\""),
                Arguments.of("a bare LF line end", "HTTP/1.1 200 OK\nContent-Length: 2\r\n\r\nok", ""),
                Arguments.of("HTTP/2 on an HTTP/1.1 connection", "HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
                        "status line \"HTTP/2.0 200 OK\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenHeads")
    void aBrokenHeadIs502ForEveryKindOfClient(String what, String response, String logged) throws Exception {
        AtomicInteger closedByGatehouse = new AtomicInteger();
        Path dir = Files.createTempDirectory("broken-backend");
        try (RawBackend backend = RawBackend.start((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            s.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            if (drainsToEof(s.getInputStream())) {
                closedByGatehouse.incrementAndGet();
            }
        });
             LogCapture proxyLog = LogCapture.of("dev.gatehouse.proxy");
             LogCapture healthLog = LogCapture.of("dev.gatehouse.upstream");
             TestGatehouse gh = TestGatehouse.startListening(LISTEN, """
                     sites:
                       example.test:
                         upstream: app
                     upstreams:
                       app:
                         targets: [%s]
                         passive: { failures: 3, eject: 30s }
                     """.formatted(backend.address()), dir)) {
            HttpResponse<String> h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(HttpRequest.newBuilder(gh.uri("/h1")).header("Host", "example.test")
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(h1.statusCode()).isEqualTo(502);
            assertThat(h1.body()).startsWith("502 Bad Gateway: the upstream sent an invalid response");

            Curl h2 = curl(gh.port(), "/h2");
            assertThat(h2.version()).isEqualTo("2");
            assertThat(h2.status()).isEqualTo(502);
            assertThat(h2.body()).startsWith("502 Bad Gateway: the upstream sent an invalid response");

            Curl grpc = curl(gh.port(), "/pkg.Service/Call", "-X", "POST", "--data-binary", "",
                    "-H", "content-type: application/grpc", "-H", "te: trailers");
            assertThat(grpc.status()).as("gRPC reads grpc-status, not the HTTP status").isEqualTo(200);
            assertThat(grpc.headers()).contains("grpc-status: 14");

            assertThat(backend.connections()).as("one try per request: nothing retried, nothing resent").isEqualTo(3);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (closedByGatehouse.get() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(closedByGatehouse.get()).as("every upstream connection closed by Gatehouse").isEqualTo(3);
            String line = proxyLog.await(l -> l.contains("upstream-protocol"), Duration.ofSeconds(2));
            assertThat(line).isNotNull().contains("site=example.test", "upstream=app",
                    "target=" + backend.address(), logged);
            assertThat(healthLog.await(l -> l.contains("target=" + backend.address() + " ejected")
                    && l.contains("last: upstream-protocol"), Duration.ofSeconds(2)))
                    .as("passive health counted the three broken answers").isNotNull();
        }
    }

    @Test
    void aBrokenChunkAfterTheHeadWasRelayedCutsTheClientConnection() throws Exception {
        try (RawBackend backend = RawBackend.start((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            s.getOutputStream().write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\nzz\r\nworld\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            drainsToEof(s.getInputStream());
        });
             LogCapture proxyLog = LogCapture.of("dev.gatehouse.proxy");
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()))) {
            RawClient.Reply reply = RawClient.send(gh.port(), "GET / HTTP/1.1\r\nHost: example.test\r\n\r\n",
                    Duration.ofSeconds(10));

            assertThat(reply.closed()).as("the client connection is cut").isTrue();
            assertThat(reply.text()).as("the chunked body is never ended cleanly, nothing after the bad chunk")
                    .doesNotContain("world").doesNotEndWith("0\r\n\r\n");
            assertThat(proxyLog.await(l -> l.contains("upstream-protocol") && l.contains("site=example.test"),
                    Duration.ofSeconds(2))).isNotNull();
        }
    }

    /** True when the peer closed the connection (EOF or reset) rather than the read timing out. */
    private static boolean drainsToEof(InputStream in) {
        try {
            while (in.read() >= 0) {
                // discard
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    record Curl(String version, int status, String headers, String body) {
    }

    /** curl over HTTP/2 with prior knowledge (h2c) to the plain listener. */
    private static Curl curl(int port, String path, String... extra) throws Exception {
        Path headers = Files.createTempFile("curl-headers", ".txt");
        try {
            List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20",
                    "--http2-prior-knowledge", "-H", "Host: example.test", "-D", headers.toString(), "-o", "-",
                    "-w", "\n%{http_version} %{http_code}"));
            command.addAll(List.of(extra));
            command.add("http://127.0.0.1:" + port + path);
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("curl " + path + ": " + out).isZero();
            int cut = out.lastIndexOf('\n');
            String[] tail = out.substring(cut + 1).split(" ");
            return new Curl(tail[0], Integer.parseInt(tail[1]), Files.readString(headers).toLowerCase(),
                    out.substring(0, cut));
        } finally {
            Files.deleteIfExists(headers);
        }
    }
}
