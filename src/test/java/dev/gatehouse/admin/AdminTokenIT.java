package dev.gatehouse.admin;

import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bearer token, with curl as the client: an admin listener on every address (0.0.0.0) answers only requests that
 * carry the token, except the dashboard page, which holds no data.
 */
class AdminTokenIT {
    private static final String TOKEN = "7f3c9a1e5b2d4c6f8a0e1d3b5c7a9f2e";

    private TestGatehouse gh;

    @BeforeEach
    void start() throws Exception {
        gh = TestGatehouse.start("""
                admin: { listen: "0.0.0.0:0", token: %s }
                sites:
                  example.test: { respond: 204 }
                upstreams:
                  app: { targets: [127.0.0.1:9] }
                """.formatted(TOKEN));
    }

    @AfterEach
    void stop() {
        gh.close();
    }

    /** curl's status line, headers and body for {@code args} against the admin listener. */
    private String curl(String path, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-i", "--max-time", "10"));
        command.addAll(List.of(args));
        command.add("http://127.0.0.1:" + gh.server().adminPort() + path);
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
    void withoutTheTokenEveryEndpointIsA401ProblemAskingForIt() throws Exception {
        for (String path : List.of("/status", "/upstreams", "/config", "/certificates", "/errors", "/sites")) {
            String r = curl(path);
            assertThat(r).as(path).startsWith("HTTP/1.1 401").containsIgnoringCase("www-authenticate: Bearer realm=\"gatehouse\"")
                    .containsIgnoringCase("content-type: application/problem+json")
                    .contains("\"status\":401", "Authorization: Bearer TOKEN");
        }
        assertThat(curl("/reload", "-X", "POST")).startsWith("HTTP/1.1 401");
        assertThat(curl("/status", "-H", "Authorization: Bearer not-the-token")).startsWith("HTTP/1.1 401")
                .contains("wrong token");
    }

    @Test
    void withTheTokenTheApiAnswersOnAnyHostName() throws Exception {
        String r = curl("/status", "-H", "Authorization: Bearer " + TOKEN, "-H", "Host: gatehouse.example.com:2019");

        assertThat(r).startsWith("HTTP/1.1 200").contains("\"sites\":1", "\"name\":\"app\"");
        assertThat(curl("/upstreams", "-H", "Authorization: Bearer " + TOKEN)).startsWith("HTTP/1.1 200")
                .endsWith("{\"pools\":[\"app\"]}");
        assertThat(curl("/config", "-H", "Authorization: Bearer " + TOKEN)).contains("\"token\":\"[redacted]\"")
                .doesNotContain(TOKEN);
    }

    @Test
    void theDashboardPageLoadsWithoutTheTokenAndItsCallsNeedIt() throws Exception {
        assertThat(curl("/")).startsWith("HTTP/1.1 200").contains("<title>Gatehouse</title>");
    }
}
