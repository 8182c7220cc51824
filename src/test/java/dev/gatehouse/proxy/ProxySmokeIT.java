package dev.gatehouse.proxy;

import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ProxySmokeIT {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void forwardsToTheUpstreamAndLogsTheRequest() throws Exception {
        try (TestBackend backend = TestBackend.echo("a");
             TestGatehouse gh = TestGatehouse.start("""
                     sites:
                       example.test:
                         upstream: app
                     upstreams:
                       app: { targets: [%s] }
                     """.formatted(backend.address()));
             LogCapture access = LogCapture.of("gatehouse.access")) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(gh.uri("/hello?x=1"))
                    .header("Host", "example.test").build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("uri: /hello?x=1", "header: host: example.test",
                    "header: x-forwarded-for: 127.0.0.1", "header: x-forwarded-proto: http");
            assertThat(response.headers().firstValue("date")).isPresent();
            assertThat(access.await(l -> l.contains("\"GET /hello?x=1 HTTP/1.1\" 200")
                    && l.contains("upstream=app target=" + backend.address()), Duration.ofSeconds(2))).isNotNull();
        }
    }
}
