package dev.gatehouse.access;

import dev.gatehouse.testing.Curl;
import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client's real address from real clients on several loopback addresses ({@code curl --interface}): a trusted
 * proxy's X-Forwarded-For and Forwarded are believed, anyone else's are not; routing, the upstream's X-Real-IP and
 * the access log all see the same address.
 */
@Timeout(60)
class ClientAddressIT {

    private static String yaml(TestBackend backend) {
        return """
                trusted_proxies: [127.0.0.2]
                sites:
                  example.test:
                    routes:
                      - source: [127.0.0.3]
                        respond: { status: 200, body: "from three" }
                      - upstream: app
                upstreams:
                  app: { targets: [%s] }
                """.formatted(backend.address());
    }

    private static Curl.Response get(TestGatehouse gh, String from, String... headers) throws Exception {
        String[] args = new String[headers.length * 2 + 3];
        int i = 0;
        for (String h : headers) {
            args[i++] = "-H";
            args[i++] = h;
        }
        args[i++] = "--interface";
        args[i++] = from;
        args[i] = "http://127.0.0.1:" + gh.port() + "/who";
        String[] withHost = new String[args.length + 2];
        withHost[0] = "-H";
        withHost[1] = "Host: example.test";
        System.arraycopy(args, 0, withHost, 2, args.length);
        return Curl.run(withHost);
    }

    @Test
    void sourceConditionsSeeThePeerWhenItIsNotTrusted() throws Exception {
        try (TestBackend backend = TestBackend.echo("app");
             TestGatehouse gh = TestGatehouse.start(yaml(backend))) {
            assertThat(get(gh, "127.0.0.3").body()).isEqualTo("from three");
            // 127.0.0.4 is not trusted: its claim to be 127.0.0.3 is ignored, and replaced upstream.
            Curl.Response forged = get(gh, "127.0.0.4", "X-Forwarded-For: 127.0.0.3", "Forwarded: for=127.0.0.3");
            assertThat(forged.body()).contains("header: x-real-ip: 127.0.0.4", "header: x-forwarded-for: 127.0.0.4")
                    .doesNotContain("127.0.0.3", "header: forwarded:");
        }
    }

    @Test
    void aTrustedProxysForwardedForNamesTheClient() throws Exception {
        try (TestBackend backend = TestBackend.echo("app");
             LogCapture access = LogCapture.of("gatehouse.access");
             TestGatehouse gh = TestGatehouse.start(yaml(backend))) {
            assertThat(get(gh, "127.0.0.2", "X-Forwarded-For: 127.0.0.3").body()).isEqualTo("from three");
            assertThat(get(gh, "127.0.0.2", "Forwarded: for=\"127.0.0.3:5555\"").body()).isEqualTo("from three");

            Curl.Response chained = get(gh, "127.0.0.2", "X-Forwarded-For: 127.0.0.3, 127.0.0.9, 127.0.0.2");
            assertThat(chained.body()).contains("header: x-real-ip: 127.0.0.9",
                    "header: x-forwarded-for: 127.0.0.3, 127.0.0.9, 127.0.0.2, 127.0.0.2");
            assertThat(access.await(l -> l.contains("127.0.0.9 - - ["), Duration.ofSeconds(5)))
                    .as("the access log names the forwarded client").isNotNull();
        }
    }
}
