package dev.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.TlsProbe;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every answer takes the route's chain of stages: Gatehouse's own 404s and 502s, files, proxied responses, on
 * HTTP/1.1 and HTTP/2; a route's stage key replaces its site's.
 */
@Timeout(60)
class StagesIT {
    private static final String LISTEN = "{ http: 0, https: 0, address: 127.0.0.1 }";

    @TempDir
    Path dir;

    @Test
    void hstsReachesEveryKindOfAnswerOnBothProtocols() throws Exception {
        Files.createDirectories(dir.resolve("public"));
        Files.writeString(dir.resolve("public/index.html"), "<p>home</p>");
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort(); // closed again: connections to it are refused
        }
        String yaml = """
                sites:
                  localhost:
                    hsts: 1d
                    routes:
                      - { path: /files/*, files: ./public }
                      - { path: /down, upstream: down }
                      - { path: /hello, respond: { status: 200, body: "hi" } }
                upstreams:
                  down: { targets: ["127.0.0.1:%d"], passive: off }
                """.formatted(deadPort);
        try (TestGatehouse gh = TestGatehouse.startListening(LISTEN, yaml, dir)) {
            TlsProbe.Trust trust = TlsProbe.trusting(dir.resolve("data/local-ca/root.pem"));
            try (TlsProbe probe = TlsProbe.connect(gh.httpsPort(), "localhost", trust)) {
                for (String path : new String[] {"/files/index.html", "/down", "/hello", "/nothing-here"}) {
                    TlsProbe.Response r = probe.get("localhost", path);
                    assertThat(r.header("strict-transport-security")).as("HTTP/1.1 " + path + " " + r.status())
                            .isEqualTo("max-age=86400");
                }
            }
            HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                    .sslContext(trust.newContext()).connectTimeout(Duration.ofSeconds(5)).build();
            for (String path : new String[] {"/files/index.html", "/down", "/hello", "/nothing-here"}) {
                HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create("https://localhost:"
                        + gh.httpsPort() + path)).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
                assertThat(r.headers().firstValue("strict-transport-security")).as("HTTP/2 " + path + " "
                        + r.statusCode()).contains("max-age=86400");
            }
            TlsProbe.Response plain = HttpsIT.plainGet(gh.port(), "localhost", "/hello");
            assertThat(plain.status()).isEqualTo(308);
            assertThat(plain.header("strict-transport-security")).isNull();
        }
    }

    @Test
    void aRoutesPlainHttpPolicyReplacesItsSites() throws Exception {
        String yaml = """
                sites:
                  app.test:
                    http: https-only
                    routes:
                      - { path: /health, http: allow, respond: { status: 200, body: "up" } }
                      - { path: /old/*, http: redirect, respond: 200 }
                      - { respond: { status: 200, body: "app" } }
                """;
        try (TestGatehouse gh = TestGatehouse.startListening(LISTEN, yaml, dir)) {
            TlsProbe.Response health = HttpsIT.plainGet(gh.port(), "app.test", "/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("up");

            TlsProbe.Response old = HttpsIT.plainGet(gh.port(), "app.test", "/old/page");
            assertThat(old.status()).isEqualTo(308);
            assertThat(old.header("location")).isEqualTo("https://app.test:" + gh.httpsPort() + "/old/page");

            assertThat(HttpsIT.plainGet(gh.port(), "app.test", "/").status()).isEqualTo(403);
            assertThat(HttpsIT.plainGet(gh.port(), "nobody.test", "/").status())
                    .as("a host no site serves").isEqualTo(404);
        }
    }
}
