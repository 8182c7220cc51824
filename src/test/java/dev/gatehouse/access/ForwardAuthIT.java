package dev.gatehouse.access;

import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code forward_auth} end to end: the auth service's 2xx, 401, 302 and 5xx, its silence and its absence. */
@Timeout(120)
class ForwardAuthIT {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final CountDownLatch slowRelease = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicReference<String> seen = new java.util.concurrent.atomic.AtomicReference<>();

    private TestBackend authService() throws Exception {
        return TestBackend.start("auth", ex -> {
            String uri = ex.getRequestHeaders().getFirst("X-Forwarded-Uri");
            seen.set(ex.getRequestHeaders().keySet().toString().toLowerCase());
            String method = ex.getRequestHeaders().getFirst("X-Forwarded-Method");
            byte[] body = ("{\"error\":\"login first\",\"uri\":\"" + uri + "\"}").getBytes(StandardCharsets.UTF_8);
            if (uri.startsWith("/ok")) {
                ex.getResponseHeaders().add("X-User", "alice " + method);
                ex.sendResponseHeaders(200, -1);
            } else if (uri.startsWith("/login")) {
                ex.getResponseHeaders().add("Location", "https://login.example/?next=" + uri);
                ex.sendResponseHeaders(302, -1);
            } else if (uri.startsWith("/broken")) {
                ex.sendResponseHeaders(502, body.length);
                ex.getResponseBody().write(body);
            } else if (uri.startsWith("/slow")) {
                try {
                    slowRelease.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ex.sendResponseHeaders(200, -1);
            } else {
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"app\"");
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(401, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
    }

    private static String yaml(int authPort, TestBackend app) {
        return """
                sites:
                  example.test:
                    forward_auth: { url: "http://127.0.0.1:%d/verify", copy_headers: [X-User], timeout: 3s }
                    routes:
                      - path: /free/*
                        upstream: app
                        forward_auth: { url: "http://127.0.0.1:%d/verify", copy_headers: [X-User], timeout: 3s,
                                        request_headers: [Cookie] }
                      - upstream: app
                upstreams:
                  app: { targets: [%s] }
                """.formatted(authPort, authPort, app.address());
    }

    private HttpResponse<String> send(TestGatehouse gh, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gh.uri(path)).timeout(Duration.ofSeconds(30))
                .header("Host", "example.test").header("X-User", "mallory").header("Cookie", "s=1")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theMatrix() throws Exception {
        try (TestBackend auth = authService();
             TestBackend app = TestBackend.echo("app");
             LogCapture log = LogCapture.of("dev.gatehouse");
             TestGatehouse gh = TestGatehouse.start(yaml(auth.port(), app))) {
            // 2xx: through, with the service's X-User instead of the client's
            HttpResponse<String> ok = send(gh, "GET", "/ok/1", null);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("header: x-user: alice GET").doesNotContain("mallory");
            // the body waits unread for the answer, then follows
            HttpResponse<String> post = send(gh, "POST", "/ok/2", "x".repeat(100_000));
            assertThat(post.statusCode()).isEqualTo(200);
            assertThat(post.body()).contains("header: x-user: alice POST", "body-bytes: 100000");

            // 401: the service's answer as it is, body and WWW-Authenticate
            HttpResponse<String> denied = send(gh, "GET", "/private", null);
            assertThat(denied.statusCode()).isEqualTo(401);
            assertThat(denied.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"app\"");
            assertThat(denied.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(denied.body()).isEqualTo("{\"error\":\"login first\",\"uri\":\"/private\"}");

            // 302 to a login page
            HttpResponse<String> login = send(gh, "GET", "/login?x=1", null);
            assertThat(login.statusCode()).isEqualTo(302);
            assertThat(login.headers().firstValue("location")).hasValue("https://login.example/?next=/login?x=1");

            // 5xx from the service: relayed as it is, not a pass
            HttpResponse<String> broken = send(gh, "GET", "/broken", null);
            assertThat(broken.statusCode()).isEqualTo(502);
            assertThat(broken.body()).contains("login first");

            // no answer within the timeout: 503, never a pass
            HttpResponse<String> slow = send(gh, "GET", "/slow", null);
            slowRelease.countDown();
            assertThat(slow.statusCode()).isEqualTo(503);
            assertThat(log.await(l -> l.contains("forward_auth") && l.contains("no answer within 3000 ms"),
                    Duration.ofSeconds(5))).isNotNull();

            // a route of its own: only Cookie goes to the service
            assertThat(send(gh, "GET", "/free/x", null).statusCode()).isEqualTo(401);
            assertThat(seen.get()).contains("cookie", "x-forwarded-uri").doesNotContain("user-agent", "x-user");
            assertThat(app.requestCount()).isEqualTo(2);
        }
    }

    @Test
    void anAuthServiceThatIsDownIs503() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (TestBackend app = TestBackend.echo("app");
             TestGatehouse gh = TestGatehouse.start(yaml(port, app))) {
            HttpResponse<String> r = send(gh, "GET", "/ok", null);
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("authentication service did not answer");
            assertThat(app.requestCount()).isZero();
        }
    }
}
