package dev.gatehouse.stages;

import dev.gatehouse.testing.HttpsClients;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * request_headers and response_headers end to end: a real backend on loopback sees the request rules, a client on
 * HTTP/1.1 and on HTTP/2 sees the response rules, on proxied answers and on Gatehouse's own.
 */
@Timeout(60)
class HeaderRulesIT {
    private static final String LISTEN = "{ http: 0, https: 0, address: 127.0.0.1 }";

    @TempDir
    Path dir;

    @Test
    void requestRulesReachTheUpstreamWithPlaceholdersAndHostOverride() throws Exception {
        try (TestBackend app = TestBackend.echo("app");
             TestGatehouse gh = TestGatehouse.startListening(LISTEN, """
                     sites:
                       localhost:
                         request_headers:
                           set: { X-Client: "{client_ip}", X-Seen: "{scheme} {host} {path} {query} {site}" }
                           remove: [X-Secret]
                         routes:
                           - path: /origin/*
                             request_headers:
                               set: { Host: origin.example, X-Target: "{upstream_target}", X-Real-IP: "{header.X-Tenant}" }
                               add: { X-Tenant: second }
                               remove: [X-Forwarded-Proto]
                             upstream: app
                           - upstream: app
                     upstreams:
                       app: { targets: [%s] }
                     """.formatted(app.address()), dir)) {
            for (HttpClient.Version v : HttpsClients.BOTH) {
                HttpClient client = HttpsClients.client(gh, v);

                String plain = HttpsClients.get(client, gh, "/page?a=1", "X-Secret", "s3cret").body();
                assertThat(plain).as(v.toString()).contains("header: x-client: 127.0.0.1",
                        "header: x-seen: https localhost /page a=1 localhost", "header: host: localhost:"
                                + gh.httpsPort(), "header: x-forwarded-proto: https");
                assertThat(plain).doesNotContain("x-secret");

                String origin = HttpsClients.get(client, gh, "/origin/x", "X-Tenant", "blue", "X-Secret", "s").body();
                assertThat(origin).as(v.toString()).contains("header: host: origin.example",
                        "header: x-forwarded-host: localhost", "header: x-target: " + app.address(),
                        "header: x-real-ip: blue", "header: x-tenant: blue", "header: x-tenant: second",
                        "header: x-client: 127.0.0.1");
                assertThat(origin).as("the route's rules add to the site's; its own win")
                        .doesNotContain("x-forwarded-proto", "x-secret");
            }
        }
    }

    @Test
    void responseRulesReachProxiedAndOwnAnswersUnlessOnlyUpstream() throws Exception {
        try (TestBackend app = TestBackend.start("app", ex -> {
                 byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
                 ex.getResponseHeaders().set("Server", "Apache/2.4.1");
                 ex.getResponseHeaders().set("X-Powered-By", "PHP/5.6");
                 ex.sendResponseHeaders(200, body.length);
                 ex.getResponseBody().write(body);
                 ex.close();
             });
             TestGatehouse gh = TestGatehouse.startListening(LISTEN, """
                     sites:
                       localhost:
                         response_headers:
                           set: { X-Frame-Options: DENY, X-Request: "{request_id}" }
                         routes:
                           - path: /app/*
                             response_headers: { only: upstream, remove: [Server, X-Powered-By], set: { X-Via: "{upstream_target}" } }
                             upstream: app
                           - path: /moved
                             redirect: "https://{host}/new{uri}"
                     upstreams:
                       app: { targets: [%s] }
                     """.formatted(app.address()), dir)) {
            for (HttpClient.Version v : HttpsClients.BOTH) {
                HttpClient client = HttpsClients.client(gh, v);

                HttpResponse<String> proxied = HttpsClients.get(client, gh, "/app/x");
                assertThat(proxied.body()).isEqualTo("hello");
                assertThat(proxied.headers().firstValue("server")).as(v + ": hidden").isEmpty();
                assertThat(proxied.headers().firstValue("x-powered-by")).isEmpty();
                assertThat(proxied.headers().firstValue("x-via")).contains(app.address());
                assertThat(proxied.headers().firstValue("x-frame-options")).contains("DENY");
                assertThat(proxied.headers().firstValue("x-request"))
                        .isEqualTo(proxied.headers().firstValue("x-request-id"));

                HttpResponse<String> moved = HttpsClients.get(client, gh, "/moved?q=1");
                assertThat(moved.statusCode()).isEqualTo(308);
                assertThat(moved.headers().firstValue("location")).contains("https://localhost/new/moved?q=1");
                assertThat(moved.headers().firstValue("x-frame-options")).as(v + ": Gatehouse's own redirect")
                        .contains("DENY");

                HttpResponse<String> missing = HttpsClients.get(client, gh, "/nothing");
                assertThat(missing.statusCode()).isEqualTo(404);
                assertThat(missing.headers().firstValue("x-frame-options")).as(v + ": the site's 404").contains("DENY");
                assertThat(missing.headers().firstValue("x-via")).isEmpty();
            }
        }
    }
}
