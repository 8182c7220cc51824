package dev.gatehouse.proxy;

import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** How requests spread over the targets of one upstream. */
class RoundRobinIT {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private void send(TestGatehouse gh, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(gh.uri("/" + i)).header("Host", "example.test")
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void equalTargetsShareTheLoadEvenly() throws Exception {
        try (TestBackend a = TestBackend.echo("a");
             TestBackend b = TestBackend.echo("b");
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(a.address(), b.address()))) {
            send(gh, 100);

            assertThat(a.requestCount()).isBetween(45, 55);
            assertThat(b.requestCount()).isBetween(45, 55);
            assertThat(a.requestCount() + b.requestCount()).isEqualTo(100);
        }
    }

    @Test
    void weightsSplitTheLoadInProportion() throws Exception {
        try (TestBackend a = TestBackend.echo("a");
             TestBackend b = TestBackend.echo("b");
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(
                     "{ address: %s, weight: 3 }".formatted(a.address()),
                     "{ address: %s, weight: 1 }".formatted(b.address())))) {
            send(gh, 100);

            assertThat(a.requestCount()).isBetween(70, 80);
            assertThat(b.requestCount()).isBetween(20, 30);
        }
    }

    @Test
    void aTargetOfWeightZeroGetsNothing() throws Exception {
        try (TestBackend blue = TestBackend.echo("blue");
             TestBackend green = TestBackend.echo("green");
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(
                     "{ address: %s, weight: 100 }".formatted(blue.address()),
                     "{ address: %s, weight: 0 }".formatted(green.address())))) {
            send(gh, 30);

            assertThat(blue.requestCount()).isEqualTo(30);
            assertThat(green.requestCount()).isZero();
        }
    }
}
