package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.JarProcess;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TlsProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gatehouse proxy} as a user runs it: the real jar, no config file, HTTPS for localhost from the local CA,
 * two backends balanced, the plain port redirecting; SIGTERM stops it cleanly.
 */
@Timeout(120)
class ProxyCommandIT {
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void servesLocalhostOverHttpsFromTheLocalCaToEveryBackend() throws Exception {
        try (TestBackend a = TestBackend.echo("a"); TestBackend b = TestBackend.echo("b")) {
            int https = JarProcess.freePort();
            int http = JarProcess.freePort();
            try (JarProcess gh = JarProcess.start(dir, "proxy", "--from", "localhost:" + https,
                    "--to", a.address(), "--to", "http://" + b.address(), "--http-port", String.valueOf(http))) {
                gh.awaitListening(http, START);

                HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                        .sslContext(TlsProbe.trusting(dir.resolve("data/local-ca/root.pem")).newContext()).build();
                Set<String> backends = new HashSet<>();
                for (int i = 0; i < 4; i++) {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                            URI.create("https://localhost:" + https + "/hello?x=1")).timeout(Duration.ofSeconds(10))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
                    assertThat(r.body()).contains("uri: /hello?x=1", "header: x-forwarded-proto: https");
                    backends.add(r.body().lines().findFirst().orElseThrow());
                }
                assertThat(backends).as("round robin over both --to").containsExactlyInAnyOrder("backend: " + a.port(), "backend: " + b.port());

                HttpResponse<Void> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + http + "/x")).build(), HttpResponse.BodyHandlers.discarding());
                assertThat(plain.statusCode()).isEqualTo(308);
                assertThat(plain.headers().firstValue("location")).contains("https://localhost:" + https + "/x");

                assertThat(gh.stderr()).contains("gatehouse started with gatehouse proxy https://localhost:" + https
                        + " -> " + a.address() + ", " + b.address());
                gh.terminate();
                assertThat(gh.waitFor(Duration.ofSeconds(40))).as(gh.stderr()).isZero();
                assertThat(gh.stdout()).as("access log").contains("GET /hello?x=1 HTTP/2.0\" 200");
            }
        }
    }

    @Test
    void badOptionsSayWhatWasExpectedAndExit2() throws Exception {
        try (JarProcess gh = JarProcess.start(dir, "proxy", "--from", "http://app.example.com", "--to", "3000")) {
            assertThat(gh.waitFor(START)).isEqualTo(2);
            assertThat(gh.stderr()).contains("gatehouse proxy: --from http://app.example.com: Gatehouse serves the "
                    + "site over HTTPS");
        }
        try (JarProcess gh = JarProcess.start(dir, "proxy", "--from", "localhost")) {
            assertThat(gh.waitFor(START)).isEqualTo(2);
            assertThat(gh.stderr()).contains("Missing required option: '--to=HOST:PORT'");
        }
    }
}
