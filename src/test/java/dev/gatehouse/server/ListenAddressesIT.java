package dev.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.config.ReloadResult;
import dev.gatehouse.testing.TestGatehouse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code listen.address} as a list: every listener (http with h2c, https) on each address, one port for all, seen by
 * curl over IPv4 and IPv6 loopback; a reload that drops an address closes its sockets only.
 */
@Timeout(90)
class ListenAddressesIT {
    private static final String CURL = "/usr/bin/curl";
    private static final String SITE = """
            sites:
              localhost: { http: allow, respond: { status: 200, body: "hi" } }
            """;

    @TempDir
    Path dir;

    @Test
    void everyListenerAnswersOnEachAddressAndAReloadDropsOne() throws Exception {
        String both = "{ http: 0, https: 0, h2c: true, address: [\"127.0.0.1\", \"::1\"] }";
        try (TestGatehouse gh = TestGatehouse.startListening(both, SITE, dir)) {
            int http = gh.port();
            int https = gh.httpsPort();
            for (String ip : List.of("127.0.0.1", "[::1]")) {
                assertThat(curl(ip, http, "http", "--http1.1")).as("http/1.1 on " + ip).isEqualTo("200 1.1 hi");
                assertThat(curl(ip, http, "http", "--http2-prior-knowledge")).as("h2c on " + ip).isEqualTo("200 2 hi");
                assertThat(curl(ip, https, "https", "--http2")).as("https on " + ip).isEqualTo("200 2 hi");
            }

            gh.rewrite("{ http: " + http + ", https: " + https + ", h2c: true, address: \"[::1]\" }", SITE);
            ReloadResult result = gh.server().reload();

            assertThat(result.applied()).as("errors: %s", result.errors()).isTrue();
            assertThat(result.changes()).contains("listen.address: [127.0.0.1, ::1] -> ::1");
            assertThat(curl("[::1]", http, "http", "--http1.1")).isEqualTo("200 1.1 hi");
            assertThat(curl("[::1]", https, "https", "--http2")).isEqualTo("200 2 hi");
            assertThat(refused("127.0.0.1", http)).as("IPv4 http closed").isTrue();
            assertThat(refused("127.0.0.1", https)).as("IPv4 https closed").isTrue();

            // Back to both: the ::1 sockets stay (binding them again would fail), 127.0.0.1 is bound anew.
            gh.rewrite(both.replace("http: 0, https: 0", "http: " + http + ", https: " + https), SITE);
            ReloadResult again = gh.server().reload();
            assertThat(again.applied()).as("errors: %s", again.errors()).isTrue();
            assertThat(curl("127.0.0.1", https, "https", "--http2")).isEqualTo("200 2 hi");
            assertThat(curl("[::1]", http, "http", "--http2-prior-knowledge")).isEqualTo("200 2 hi");
        }
    }

    @Test
    void theIpv4AndIpv6WildcardsListenSideBySide() throws Exception {
        // "::" beside "0.0.0.0" must take IPv6 only, or the two would fight over the port.
        String wildcards = "{ http: 0, https: off, address: [\"0.0.0.0\", \"::\"] }";
        try (TestGatehouse gh = TestGatehouse.startListening(wildcards, SITE, dir)) {
            assertThat(curl("127.0.0.1", gh.port(), "http", "--http1.1")).isEqualTo("200 1.1 hi");
            assertThat(curl("[::1]", gh.port(), "http", "--http1.1")).isEqualTo("200 1.1 hi");
        }
    }

    /** {@code status http-version body} of {@code GET /} for Host localhost, connecting to {@code ip}. */
    private String curl(String ip, int port, String scheme, String protocol) throws Exception {
        assertThat(Files.isExecutable(Path.of(CURL))).as("curl is missing: apt-get install -y curl").isTrue();
        List<String> command = new ArrayList<>(List.of(CURL, "-sS", "--max-time", "10", protocol,
                "--resolve", "localhost:" + port + ":" + ip, "-w", "\\n%{http_code} %{http_version}"));
        if (scheme.equals("https")) {
            command.addAll(List.of("--cacert", dir.resolve("data/local-ca/root.pem").toString()));
        }
        command.add(scheme + "://localhost:" + port + "/");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("curl finished").isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as("curl: " + out).isZero();
            int end = out.lastIndexOf('\n');
            return out.substring(end + 1) + " " + out.substring(0, end);
        } finally {
            p.destroyForcibly();
        }
    }

    private static boolean refused(String ip, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), 2000);
            return false;
        } catch (ConnectException e) {
            return true;
        }
    }
}
