package dev.gatehouse.admin;

import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tokenless admin API on loopback against DNS rebinding, with curl as the client: a page served from a name the
 * attacker points at 127.0.0.1 sends the attacker's name as Host and Origin, and must be refused.
 */
class AdminRebindingIT {
    private TestGatehouse gh;
    private int port;

    @BeforeEach
    void start() throws Exception {
        gh = TestGatehouse.start("""
                admin: { listen: "127.0.0.1:0" }
                sites:
                  example.test: { respond: 204 }
                upstreams:
                  app: { targets: [127.0.0.1:9] }
                """);
        port = gh.server().adminPort();
    }

    @AfterEach
    void stop() {
        gh.close();
    }

    /** curl's status line, headers and body for {@code args} against the admin listener. */
    private String curl(String path, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-i", "--max-time", "10"));
        command.addAll(List.of(args));
        command.add("http://127.0.0.1:" + port + path);
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("curl is needed for this test: apt-get install curl", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void aRebindingPageCanNeitherReadTheConfigNorRegisterATarget() throws Exception {
        String h = "127.0.0.1.evil.example:" + port;
        try (LogCapture log = LogCapture.of(AdminHandler.class.getName())) {
            String read = curl("/config", "-H", "Host: " + h, "-H", "Origin: http://" + h);
            String register = curl("/upstreams/app/targets", "-X", "POST", "-H", "Host: " + h, "-H", "Origin: http://" + h,
                    "-H", "Content-Type: text/plain", "-d", "{\"address\":\"127.0.0.1:19999\",\"weight\":0}");

            assertThat(read).startsWith("HTTP/1.1 403").contains("127.0.0.1.evil.example").doesNotContain("\"sites\"");
            assertThat(register).startsWith("HTTP/1.1 403");
            assertThat(curl("/upstreams/app")).startsWith("HTTP/1.1 200").doesNotContain("19999");
            log.await(l -> l.contains("host=" + h) && l.contains("POST /upstreams/app/targets") && l.contains("403"),
                    Duration.ofSeconds(5));
        }
    }

    @Test
    void namesThatMerelyStartLikeLoopbackAreRefused() throws Exception {
        for (String host : List.of("127.0.0.1.evil.example", "127.evil.example", "127.0.0.1.nip.io", "localhost.evil.example",
                "localhost.", "a.localhost", "127.0.0.256", "127.1", "::1", "[::1].evil.example", "localhost:" + (port + 1))) {
            assertThat(curl("/status", "-H", "Host: " + host)).as(host).startsWith("HTTP/1.1 403")
                    .contains("expected: localhost");
        }
        for (String host : List.of("127.0.0.1:" + port, "127.0.0.1", "127.1.2.3:" + port, "localhost:" + port,
                "LocalHost", "[::1]:" + port, "[::1]")) {
            assertThat(curl("/status", "-H", "Host: " + host)).as(host).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void browserRequestsFromOtherSitesOrOriginsAreRefused() throws Exception {
        String own = "http://127.0.0.1:" + port;
        assertThat(curl("/status", "-H", "Sec-Fetch-Site: cross-site")).startsWith("HTTP/1.1 403").contains("Sec-Fetch-Site");
        assertThat(curl("/status", "-H", "Sec-Fetch-Site: same-site")).startsWith("HTTP/1.1 403");
        assertThat(curl("/status", "-H", "Sec-Fetch-Site: same-origin", "-H", "Origin: " + own)).startsWith("HTTP/1.1 200");
        assertThat(curl("/status", "-H", "Sec-Fetch-Site: none")).startsWith("HTTP/1.1 200");
        for (String origin : List.of("http://127.0.0.1.evil.example:" + port, "http://localhost.evil.example:" + port,
                "null", "https://127.0.0.1:" + port, "http://127.0.0.1:" + (port + 1), "http://evil.example")) {
            assertThat(curl("/status", "-H", "Origin: " + origin)).as(origin).startsWith("HTTP/1.1 403");
        }
        assertThat(curl("/status", "-H", "Origin: http://localhost:" + port)).startsWith("HTTP/1.1 200");
        assertThat(curl("/status", "-H", "Origin: http://[::1]:" + port)).startsWith("HTTP/1.1 200");
    }

    @Test
    void aBodyMustBeJsonWhileBodilessPostsAndDeletesNeedNoType() throws Exception {
        String body = "{\"address\":\"127.0.0.1:19999\",\"weight\":0}";
        String plain = curl("/upstreams/app/targets", "-X", "POST", "-H", "Content-Type: text/plain", "-d", body);
        assertThat(plain).startsWith("HTTP/1.1 415").contains("text/plain", "application/json");
        String form = curl("/upstreams/app/targets", "-X", "POST", "-d", body);
        assertThat(form).as("curl -d sends a form type").startsWith("HTTP/1.1 415");
        assertThat(curl("/upstreams/app/targets", "-X", "POST", "--data-binary", body, "-H", "Content-Type:"))
                .as("no type at all").startsWith("HTTP/1.1 415");

        assertThat(curl("/upstreams/app/targets", "-X", "POST", "-H", "Content-Type: application/json; charset=utf-8",
                "-d", body)).startsWith("HTTP/1.1 201");
        assertThat(curl("/upstreams/app/targets", "-X", "PUT", "--json", "{\"address\":\"127.0.0.1:19999\",\"weight\":5}"))
                .startsWith("HTTP/1.1 200");
        assertThat(curl("/upstreams/app/targets/127.0.0.1:19999", "-X", "DELETE")).startsWith("HTTP/1.1 200");
        assertThat(curl("/reload", "-X", "POST")).startsWith("HTTP/1.1 200");
    }
}
