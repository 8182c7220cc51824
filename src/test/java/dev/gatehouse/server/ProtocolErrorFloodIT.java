package dev.gatehouse.server;

import dev.gatehouse.storage.Pem;
import dev.gatehouse.testing.H2Frames;
import dev.gatehouse.testing.JarProcess;
import dev.gatehouse.testing.TlsProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that break HTTP/2 are the clients' problem: a flood of them costs the operational log a line or two, no
 * stack trace, and pushes no real error out of the admin API's {@code /errors}; each is counted by error code.
 */
@Timeout(120)
class ProtocolErrorFloodIT {
    private static final int CONNECTIONS = 50;
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private JarProcess gatehouse;
    private int http;
    private int https;
    private int admin;

    @BeforeEach
    void start() throws Exception {
        http = JarProcess.freePort();
        https = JarProcess.freePort();
        admin = JarProcess.freePort();
        int closed = JarProcess.freePort(); // nothing listens there: proxying to it is a real error
        Path config = dir.resolve("gatehouse.yaml");
        Files.writeString(config, """
                listen: { http: %d, https: %d, address: 127.0.0.1, h2c: true }
                admin: { listen: "127.0.0.1:%d" }
                storage: ./data
                sites:
                  localhost:
                    http: allow
                    routes:
                      - { path: /down, upstream: down }
                      - respond: 204
                upstreams:
                  down: { targets: [127.0.0.1:%d], passive: off }
                """.formatted(http, https, admin, closed));
        gatehouse = JarProcess.start(dir, "run", "--config", config.toString());
        gatehouse.awaitListening(admin, Duration.ofSeconds(30));
        gatehouse.awaitListening(https, Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() throws InterruptedException {
        gatehouse.close();
    }

    @Test
    void fiftyBrokenPrefacesOnEachListenerCostAFewLinesAndNoStackTrace() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(get(http, "/down").statusCode()).isEqualTo(502);
        }
        String realError = awaitError("connect");

        String before = awaitQuietLog();
        for (int i = 0; i < CONNECTIONS; i++) {
            brokenPrefaceOverTls();
            brokenPrefaceOverH2c();
        }
        assertThat(get(http, "/").statusCode()).as("still serving").isEqualTo(204);
        String after = awaitQuietLog();

        String flood = after.substring(before.length());
        assertThat(flood).doesNotContain("\tat ", "reached at the tail", "Exception");
        assertThat(flood.lines().count()).as("log lines for %d broken connections:%n%s", 2 * CONNECTIONS, flood)
                .isLessThanOrEqualTo(3);

        String errors = get(admin, "/errors").body();
        assertThat(errors).contains(realError, "\"count\":3");
        assertThat(errors).doesNotContain("PROTOCOL_ERROR", "preface");
        String metrics = get(admin, "/metrics").body();
        assertThat(counter(metrics, "gatehouse_http2_protocol_errors_total\\{code=\"PROTOCOL_ERROR\",scope=\"connection\"}"))
                .isGreaterThanOrEqualTo(2 * CONNECTIONS);
    }

    /** ALPN agreed on h2, then HTTP/1.1 text where the connection preface belongs (RFC 9113 §3.4). */
    private void brokenPrefaceOverTls() throws Exception {
        SSLContext tls = new TlsProbe.Trust(Pem.readCertificates(Files.readString(dir.resolve("data/local-ca/root.pem"))))
                .newContext();
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket()) {
            s.connect(new InetSocketAddress("127.0.0.1", https), 5000);
            s.setSoTimeout(10_000);
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(new String[] {"h2"});
            p.setServerNames(List.of(new javax.net.ssl.SNIHostName("localhost")));
            s.setSSLParameters(p);
            s.startHandshake();
            assertThat(s.getApplicationProtocol()).isEqualTo("h2");
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            drain(s.getInputStream());
        }
    }

    /** The preface string, then a PING where the SETTINGS frame must come first. */
    private void brokenPrefaceOverH2c() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", http), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(H2Frames.PREFACE);
            s.getOutputStream().write(H2Frames.frameBytes(H2Frames.PING, 0, 0, new byte[8]));
            s.getOutputStream().flush();
            drain(s.getInputStream());
        }
    }

    /** Reads until the server closes (it sends GOAWAY first). */
    private static void drain(InputStream in) throws IOException {
        try {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            // reset after the GOAWAY: closed all the same
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Host", port == admin ? "127.0.0.1:" + port : "localhost")
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The message of the newest error in /errors that contains {@code text}. */
    private String awaitError(String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = Pattern.compile("\"message\":\"([^\"]*" + Pattern.quote(text) + "[^\"]*)\"")
                    .matcher(get(admin, "/errors").body());
            if (m.find()) {
                return m.group(1);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no error containing " + text + " in /errors; stderr:\n" + gatehouse.stderr());
    }

    /** The operational log once it has stopped growing for half a second. */
    private String awaitQuietLog() throws InterruptedException {
        String last = gatehouse.stderr();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(500);
            String now = gatehouse.stderr();
            if (now.equals(last)) {
                return now;
            }
            last = now;
        }
        return last;
    }

    private static double counter(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(scrape);
        assertThat(m.find()).as(series + " in\n" + scrape).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
