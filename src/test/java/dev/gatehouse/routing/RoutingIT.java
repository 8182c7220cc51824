package dev.gatehouse.routing;

import dev.gatehouse.testing.RawClient;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Routing through the whole server: each route condition, first match wins, host wildcards, the simple actions. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutingIT {
    private static final Duration LIMIT = Duration.ofSeconds(5);
    private static final String SECRET = "TOP SECRET, outside the files root";

    private TestGatehouse gatehouse;

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory("gatehouse-routing");
        Files.createDirectories(dir.resolve("public/sub"));
        Files.writeString(dir.resolve("public/hello.txt"), "hello file");
        Files.writeString(dir.resolve("public/sub/inner.txt"), "inner file");
        Files.writeString(dir.resolve("secret.txt"), SECRET);
        gatehouse = TestGatehouse.start("""
                sites:
                  routes.test:
                    routes:
                      - { path: /api/*, method: POST, respond: { body: "api post" } }
                      - { path: /api/*, respond: { body: "api" } }
                      - { path: /static/*.css, respond: { body: "css" } }
                      - { path: /deep/**.js, respond: { body: "deep js" } }
                      - { path: /exact, respond: { body: "exact" } }
                      - { path: /h, headers: { x-version: "~v[0-9]+" }, respond: { body: "header regex" } }
                      - { path: /h, headers: { X-Debug: "*" }, respond: { body: "header present" } }
                      - { path: /h, headers: { x-mode: blue }, respond: { body: "header exact" } }
                      - { path: /q, query: { mode: fast }, respond: { body: "query fast" } }
                      - { path: /q, query: { flag: "*" }, respond: { body: "query flag" } }
                      - { path: /src, source: 10.0.0.0/8, respond: { body: "ten" } }
                      - { path: /src, source: [192.168.0.0/16, 127.0.0.1/32], respond: { body: "loopback" } }
                      - { path: /first, respond: { body: "first" } }
                      - { path: /first, respond: { body: "second" } }
                      - { path: /methods, methods: [PUT, DELETE], respond: { body: "put or delete" } }
                      - path: /go
                        redirect: { to: "https://{host}{uri}", status: 301 }
                      - path: /moved/*
                        redirect: "https://new.test{path}?from={host}"
                      - path: /headers
                        respond: { status: 201, body: "with headers", headers: { X-Custom: "yes", Cache-Control: no-store } }
                  "*.wild.test":
                    respond: { body: "wild" }
                  static.test:
                    files: ./public
                """, dir);
    }

    @AfterAll
    void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
    }

    private RawClient.Response get(String host, String target, String... headers) throws IOException {
        return request("GET", host, target, headers);
    }

    private RawClient.Response request(String method, String host, String target, String... headers)
            throws IOException {
        StringBuilder sb = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ")
                .append(host).append("\r\nConnection: close\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        if (!method.equals("GET")) {
            sb.append("Content-Length: 0\r\n");
        }
        RawClient.Reply reply = RawClient.send(gatehouse.port(), sb.append("\r\n").toString(), LIMIT);
        assertThat(reply.closed()).as("closed after Connection: close").isTrue();
        return reply.response();
    }

    /** {@code -} as the expected body means 404. */
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "GET,    /api/users,              api",
            "POST,   /api/users,              api post",
            "GET,    /api/,                   api",
            "GET,    /api,                    -",
            "GET,    /apix/users,             -",
            "GET,    /x/../api/users,         api",
            "GET,    /%61pi/users,            api",
            "GET,    //api//users,            api",
            "GET,    /static/site.css,        css",
            "GET,    /static/a/site.css,      -",
            "GET,    /static/site.js,         -",
            "GET,    /deep/a/b/c.js,          deep js",
            "GET,    /exact,                  exact",
            "GET,    /exact/,                 -",
            "GET,    /exact?x=1,              exact",
            "GET,    /Exact,                  -",
            "GET,    /first,                  first",
            "PUT,    /methods,                put or delete",
            "DELETE, /methods,                put or delete",
            "GET,    /methods,                -",
            "GET,    /q?mode=fast,            query fast",
            "GET,    /q?mode=slow,            -",
            "GET,    /q?x=1&mode=fast,        query fast",
            "GET,    /q?flag,                 query flag",
            "GET,    /q,                      -",
            "GET,    /src,                    loopback",
    })
    void pathMethodQueryAndSource(String method, String target, String body) throws IOException {
        RawClient.Response r = request(method, "routes.test", target);

        if (body.equals("-")) {
            assertThat(r.status()).as("%s %s", method, target).isEqualTo(404);
            assertThat(r.bodyText()).startsWith("404 Not Found: no route");
        } else {
            assertThat(r.status()).as("%s %s", method, target).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo(body);
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "X-Version: v12         | header regex",
            "X-Version: v12x        | -",
            "X-Version: V12         | -",
            "x-debug: 1             | header present",
            "X-DEBUG:               | header present",
            "X-Mode: blue           | header exact",
            "X-Mode: Blue           | -",
            "X-Other: v1            | -",
    })
    void headerConditions(String header, String body) throws IOException {
        RawClient.Response r = get("routes.test", "/h", header.trim());

        if (body.equals("-")) {
            assertThat(r.status()).isEqualTo(404);
        } else {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo(body);
        }
    }

    @Test
    void regexAndPresenceRoutesAreTriedInOrder() throws IOException {
        assertThat(get("routes.test", "/h", "X-Version: v1", "X-Debug: 1").bodyText()).isEqualTo("header regex");
        assertThat(get("routes.test", "/h", "X-Version: nope", "X-Debug: 1").bodyText()).isEqualTo("header present");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.wild.test", "A.Wild.Test", "b-2.wild.test:8080", "c.wild.test."})
    void wildcardHostMatchesOneLabel(String host) throws IOException {
        RawClient.Response r = get(host, "/");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).isEqualTo("wild");
    }

    @ParameterizedTest
    @ValueSource(strings = {"wild.test", "a.b.wild.test", "awild.test", "a.wild.test.evil"})
    void wildcardHostDoesNotMatchOtherDepths(String host) throws IOException {
        RawClient.Response r = get(host, "/");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.bodyText()).contains("no site is configured");
    }

    @Test
    void redirectExpandsHostAndUriWithItsStatus() throws IOException {
        RawClient.Response r = get("routes.test:8080", "/go?a=1&b=%20");

        assertThat(r.status()).isEqualTo(301);
        assertThat(r.header("location")).isEqualTo("https://routes.test/go?a=1&b=%20");
        assertThat(r.bodyText()).contains("https://routes.test/go?a=1&b=%20");
    }

    @Test
    void redirectWithoutStatusIs308AndKeepsThePath() throws IOException {
        RawClient.Response r = get("routes.test", "/moved/page?x=1");

        assertThat(r.status()).isEqualTo(308);
        assertThat(r.header("location")).isEqualTo("https://new.test/moved/page?from=routes.test");
    }

    @Test
    void respondSetsStatusBodyAndHeaders() throws IOException {
        RawClient.Response r = get("routes.test", "/headers");

        assertThat(r.status()).isEqualTo(201);
        assertThat(r.bodyText()).isEqualTo("with headers");
        assertThat(r.header("x-custom")).isEqualTo("yes");
        assertThat(r.header("cache-control")).isEqualTo("no-store");
        assertThat(r.header("content-type")).startsWith("text/plain");
        assertThat(r.header("content-length")).isEqualTo("12");
    }

    @Test
    void headOfARespondRouteHasHeadersAndNoBody() throws IOException {
        RawClient.Reply reply = RawClient.send(gatehouse.port(),
                "HEAD /headers HTTP/1.1\r\nHost: routes.test\r\nConnection: close\r\n\r\n", LIMIT);

        assertThat(reply.response().status()).isEqualTo(201);
        assertThat(reply.response().header("content-length")).isEqualTo("12");
        assertThat(reply.text()).endsWith("\r\n\r\n");
    }

    @Test
    void filesAreServed() throws IOException {
        assertThat(get("static.test", "/hello.txt").bodyText()).isEqualTo("hello file");
        assertThat(get("static.test", "/sub/inner.txt").bodyText()).isEqualTo("inner file");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E/secret.txt",
            "/.%2e/secret.txt",
            "/..%2fsecret.txt",
            "/%2e%2e%2fsecret.txt",
            "/sub/../../secret.txt",
            "/sub/%2e%2e/%2e%2e/secret.txt",
            "/..%5csecret.txt",
            "/%252e%252e/secret.txt",
            "//../secret.txt",
            "/sub/..%2f..%2fsecret.txt",
            "http://static.test/../secret.txt",
    })
    void traversalOutOfTheFilesRootIsRefused(String target) throws IOException {
        RawClient.Response r = get("static.test", target);

        assertThat(r.status()).as(target).isIn(400, 403, 404);
        assertThat(r.bodyText()).doesNotContain("TOP SECRET");
    }
}
