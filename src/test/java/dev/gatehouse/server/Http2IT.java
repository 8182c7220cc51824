package dev.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.TlsProbe;
import java.io.IOException;
import java.net.URI;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 from real clients: curl over TLS (ALPN) and with prior knowledge (h2c), the JDK HttpClient, h2load. The
 * same sites, actions, header rules and access log as HTTP/1.1.
 */
@Timeout(120)
class Http2IT {
    private static final String LISTEN = "{ http: 0, https: 0, address: 127.0.0.1, h2c: true }";

    @TempDir
    Path dir;

    private String yaml(TestBackend backend) throws IOException {
        Path files = Files.createDirectories(dir.resolve("public/files"));
        Files.writeString(files.resolve("index.html"), "<h1>static over h2</h1>\n");
        return """
                sites:
                  localhost:
                    hsts: 1d
                    routes:
                      - { path: /files/*, files: ./public }
                      - { path: /old, redirect: { to: /new, status: 301 } }
                      - { path: /hello, respond: { status: 200, body: "hello h2" } }
                      - upstream: app
                  plain.test:
                    http: allow
                    respond: { status: 200, body: "plain" }
                upstreams:
                  app: { targets: [%s] }
                """.formatted(backend.address());
    }

    @Test
    void curlOverTlsNegotiatesH2AndEveryActionWorks() throws Exception {
        try (TestBackend backend = TestBackend.echo("app");
             LogCapture access = LogCapture.of("gatehouse.access");
             TestGatehouse gh = TestGatehouse.startListening(LISTEN, yaml(backend), dir)) {
            int port = gh.httpsPort();
            Curl hello = curl(port, "--http2", "https://localhost:" + port + "/hello");
            assertThat(hello.version()).isEqualTo("2");
            assertThat(hello.status()).isEqualTo(200);
            assertThat(hello.body()).isEqualTo("hello h2");
            assertThat(hello.headers()).contains("strict-transport-security: max-age=86400")
                    .doesNotContain("connection:", "keep-alive:", "transfer-encoding:", "upgrade:");

            Curl file = curl(port, "--http2", "https://localhost:" + port + "/files/index.html");
            assertThat(file.version()).isEqualTo("2");
            assertThat(file.body()).isEqualTo("<h1>static over h2</h1>\n");

            Curl redirect = curl(port, "--http2", "https://localhost:" + port + "/old");
            assertThat(redirect.status()).isEqualTo(301);
            assertThat(redirect.headers()).contains("location: /new");

            Curl proxied = curl(port, "--http2", "-H", "connection-x: 1", "https://localhost:" + port + "/api?q=1");
            assertThat(proxied.version()).isEqualTo("2");
            assertThat(proxied.status()).isEqualTo(200);
            assertThat(proxied.body()).contains("uri: /api?q=1", "header: host: localhost:" + port,
                    "header: x-forwarded-proto: https", "header: x-forwarded-host: localhost")
                    .doesNotContain("x-http2-");
            assertThat(proxied.headers()).doesNotContain("connection:", "transfer-encoding:");

            // A large proxied body travels in DATA frames, with flow control both ways.
            Path upload = dir.resolve("upload.bin");
            Files.write(upload, new byte[3 * 1024 * 1024 + 17]);
            Curl post = curl(port, "--http2", "--data-binary", "@" + upload, "https://localhost:" + port + "/up");
            assertThat(post.body()).contains("method: POST", "body-bytes: " + (3 * 1024 * 1024 + 17));

            Curl http11 = curl(port, "--http1.1", "https://localhost:" + port + "/hello");
            assertThat(http11.version()).isEqualTo("1.1");
            assertThat(http11.body()).isEqualTo("hello h2");

            String line = access.await(l -> l.contains("\"GET /hello HTTP/2.0\" 200"), Duration.ofSeconds(5));
            assertThat(line).contains("site=localhost");
            access.await(l -> l.contains("\"GET /api?q=1 HTTP/2.0\" 200") && l.contains("upstream=app"),
                    Duration.ofSeconds(5));
            access.await(l -> l.contains("\"GET /hello HTTP/1.1\" 200"), Duration.ofSeconds(5));
        }
    }

    @Test
    void h2cWithPriorKnowledgeOnThePlainListenerAndHttp11Beside() throws Exception {
        try (TestBackend backend = TestBackend.echo("app");
             TestGatehouse gh = TestGatehouse.startListening(LISTEN, yaml(backend), dir)) {
            Curl h2c = curl(0, "--http2-prior-knowledge", "-H", "Host: plain.test", gh.uri("/").toString());
            assertThat(h2c.version()).isEqualTo("2");
            assertThat(h2c.body()).isEqualTo("plain");
            assertThat(h2c.headers()).doesNotContain("strict-transport-security");

            // The plain-HTTP policy applies to h2c as to HTTP/1.1: localhost redirects to https.
            Curl redirect = curl(0, "--http2-prior-knowledge", "-H", "Host: localhost", gh.uri("/hello").toString());
            assertThat(redirect.version()).isEqualTo("2");
            assertThat(redirect.status()).isEqualTo(308);

            Curl h1 = curl(0, "--http1.1", "-H", "Host: plain.test", gh.uri("/").toString());
            assertThat(h1.version()).isEqualTo("1.1");
            assertThat(h1.body()).isEqualTo("plain");

            // The Upgrade dance is never taken up: the answer is HTTP/1.1.
            Curl upgrade = curl(0, "--http2", "-H", "Host: plain.test", gh.uri("/").toString());
            assertThat(upgrade.version()).isEqualTo("1.1");
            assertThat(upgrade.body()).isEqualTo("plain");
        }
    }

    @Test
    void jdkHttpClientSpeaksHttp2OverTls() throws Exception {
        try (TestBackend backend = TestBackend.echo("app");
             TestGatehouse gh = TestGatehouse.startListening(LISTEN, yaml(backend), dir)) {
            TlsProbe.Trust trust = TlsProbe.trusting(dir.resolve("data/local-ca/root.pem"));
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                    .sslContext(trust.newContext()).connectTimeout(Duration.ofSeconds(5)).build();
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                all.add(client.sendAsync(HttpRequest.newBuilder(
                                URI.create("https://localhost:" + gh.httpsPort() + "/item/" + i))
                        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < all.size(); i++) {
                HttpResponse<String> r = all.get(i).get(30, TimeUnit.SECONDS);
                assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).contains("uri: /item/" + i);
            }
        }
    }

    @Test
    void h2loadCompletesEveryRequest() throws Exception {
        Path h2load = Path.of("/usr/bin/h2load");
        assertThat(Files.isExecutable(h2load)).as("h2load is missing: apt-get install -y nghttp2-client").isTrue();
        try (TestBackend backend = TestBackend.echo("app");
             TestGatehouse gh = TestGatehouse.startListening(LISTEN, yaml(backend), dir)) {
            for (String url : List.of("https://localhost:" + gh.httpsPort() + "/hello",
                    "https://localhost:" + gh.httpsPort() + "/api",
                    "http://127.0.0.1:" + gh.port() + "/")) {
                Process p = new ProcessBuilder(h2load.toString(), "-n", "2000", "-c", "4", "-m", "10",
                        "-H", url.startsWith("http:") ? ":authority: plain.test" : "x-test: 1", url)
                        .redirectErrorStream(true).start();
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("h2load on " + url).isTrue();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(out).as(url + "\n" + out)
                        .contains("requests: 2000 total, 2000 started, 2000 done, 2000 succeeded, 0 failed, 0 errored")
                        .contains("status codes: 2000 2xx");
                assertThat(out).as(url).containsPattern(url.startsWith("https") ? "Application protocol: h2"
                        : "Application protocol: h2c");
            }
        }
    }

    record Curl(String version, int status, String headers, String body) {
    }

    /** curl trusting the local CA, localhost resolved to 127.0.0.1 on the HTTPS port. */
    private Curl curl(int httpsPort, String... args) throws Exception {
        Path headers = Files.createTempFile(dir, "headers", ".txt");
        List<String> command = new ArrayList<>(List.of("/usr/bin/curl", "-sS", "--max-time", "30",
                "-D", headers.toString(), "-o", "-", "-w", "\n%{http_version} %{http_code}"));
        if (httpsPort > 0) {
            command.addAll(List.of("--cacert", dir.resolve("data/local-ca/root.pem").toString(),
                    "--resolve", "localhost:" + httpsPort + ":127.0.0.1"));
        }
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(40, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("curl " + args[args.length - 1] + ": " + out).isZero();
        int cut = out.lastIndexOf('\n');
        String[] tail = out.substring(cut + 1).split(" ");
        return new Curl(tail[0], Integer.parseInt(tail[1]), Files.readString(headers).toLowerCase(),
                out.substring(0, cut));
    }
}
