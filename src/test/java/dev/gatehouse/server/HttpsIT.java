package dev.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.TlsProbe;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Automatic HTTPS with the local CA, seen by real clients: the JDK HttpClient, curl, and raw sockets. */
@Timeout(60)
class HttpsIT {
    private static final String LISTEN = "{ http: 0, https: 0, address: 127.0.0.1 }";

    @TempDir
    Path dir;

    @Test
    void localhostIsServedWithTheLocalCaAndTheSameCertificateAfterARestart() throws Exception {
        String yaml = """
                sites:
                  localhost: { respond: { status: 200, body: "hello local" } }
                """;
        Path rootPem = dir.resolve("data/local-ca/root.pem");
        String rootBefore;
        BigInteger serialBefore;
        try (TestGatehouse gh = TestGatehouse.startListening(LISTEN, yaml, dir)) {
            rootBefore = Files.readString(rootPem);
            TlsProbe.Trust trust = TlsProbe.trusting(rootPem);

            // The JDK sends no SNI for a dotless name such as localhost; the server must still answer.
            HttpClient client = HttpClient.newBuilder().sslContext(trust.newContext()).connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                            URI.create("https://localhost:" + gh.httpsPort() + "/")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("hello local");

            X509Certificate leaf = TlsProbe.leaf(gh.httpsPort(), "localhost", trust);
            // localhost also answers as the loopback addresses, so https://127.0.0.1 validates too.
            assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(2, "localhost"),
                    List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
            serialBefore = leaf.getSerialNumber();
            curlIfInstalled(gh.httpsPort(), rootPem);
        }

        try (TestGatehouse gh = TestGatehouse.startListening(LISTEN, yaml, dir)) {
            assertThat(Files.readString(rootPem)).as("local CA root after a restart").isEqualTo(rootBefore);
            TlsProbe.Trust trust = TlsProbe.trusting(rootPem);
            assertThat(TlsProbe.leaf(gh.httpsPort(), "localhost", trust).getSerialNumber())
                    .as("leaf serial after a restart (no re-issue)").isEqualTo(serialBefore);
        }
    }

    private static void curlIfInstalled(int port, Path rootPem) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl not installed");
        Process curl = new ProcessBuilder("/usr/bin/curl", "-sS", "--max-time", "10", "--cacert", rootPem.toString(),
                "--resolve", "localhost:" + port + ":127.0.0.1", "https://localhost:" + port + "/")
                .redirectErrorStream(true).start();
        assertThat(curl.waitFor(15, TimeUnit.SECONDS)).isTrue();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.exitValue()).as("curl: " + out).isZero();
        assertThat(out).isEqualTo("hello local");
    }

    @Test
    void plainHttpPolicyAndHsts() throws Exception {
        String yaml = """
                sites:
                  redirect.test: { respond: { status: 200, body: "redirect site" } }
                  only.test: { http: https-only, respond: { status: 200, body: "only site" } }
                  allow.test: { http: allow, hsts: 365d, respond: { status: 200, body: "allow site" } }
                  sub.test:
                    hsts: { max_age: 2d, include_subdomains: true, preload: true }
                    respond: { status: 200, body: "sub site" }
                """;
        try (TestGatehouse gh = TestGatehouse.startListening(LISTEN, yaml, dir)) {
            TlsProbe.Response redirect = plainGet(gh.port(), "redirect.test", "/a/b%20c?x=1&y=2");
            assertThat(redirect.status()).isEqualTo(308);
            assertThat(redirect.header("location"))
                    .isEqualTo("https://redirect.test:" + gh.httpsPort() + "/a/b%20c?x=1&y=2");
            assertThat(redirect.header("strict-transport-security")).isNull();

            assertThat(plainGet(gh.port(), "only.test", "/").status()).isEqualTo(403);

            TlsProbe.Response allowed = plainGet(gh.port(), "allow.test", "/");
            assertThat(allowed.status()).isEqualTo(200);
            assertThat(allowed.body()).isEqualTo("allow site");
            assertThat(allowed.header("strict-transport-security")).as("HSTS over plain HTTP").isNull();

            TlsProbe.Trust trust = TlsProbe.trusting(dir.resolve("data/local-ca/root.pem"));
            TlsProbe.Response secureAllow = TlsProbe.get(gh.httpsPort(), "allow.test", trust, "allow.test", "/");
            assertThat(secureAllow.body()).isEqualTo("allow site");
            assertThat(secureAllow.header("strict-transport-security")).isEqualTo("max-age=31536000");

            TlsProbe.Response secureSub = TlsProbe.get(gh.httpsPort(), "sub.test", trust, "sub.test", "/");
            assertThat(secureSub.header("strict-transport-security"))
                    .isEqualTo("max-age=172800; includeSubDomains; preload");

            TlsProbe.Response secureRedirectSite = TlsProbe.get(gh.httpsPort(), "redirect.test", trust, "redirect.test", "/");
            assertThat(secureRedirectSite.status()).isEqualTo(200);
            assertThat(secureRedirectSite.body()).isEqualTo("redirect site");
            assertThat(secureRedirectSite.header("strict-transport-security")).as("site without hsts").isNull();

            // One kept-alive HTTPS connection across sites: HSTS follows each response's site.
            try (TlsProbe probe = TlsProbe.connect(gh.httpsPort(), "allow.test", trust)) {
                assertThat(probe.get("allow.test", "/").header("strict-transport-security")).isNotNull();
                assertThat(probe.get("redirect.test", "/").header("strict-transport-security")).isNull();
                assertThat(probe.get("allow.test", "/").header("strict-transport-security")).isNotNull();
            }
        }
    }

    static TlsProbe.Response plainGet(int port, String host, String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return TlsProbe.read(socket.getInputStream());
        }
    }
}
