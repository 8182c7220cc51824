package dev.gatehouse.server;

import dev.gatehouse.testing.RawClient;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed and hostile request heads, sent as raw bytes to a {@code respond:} site and to a proxied site: each
 * gets its status with a short plain-text body and a closed connection, and nothing reaches the backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {
    private static final Duration LIMIT = Duration.ofSeconds(5);
    private static final String RESPOND = "respond.test";
    private static final String PROXY = "proxy.test";

    private final List<String> backendSaw = new CopyOnWriteArrayList<>();
    private TestBackend backend;
    private TestGatehouse gatehouse;

    @BeforeAll
    void start() throws Exception {
        backend = TestBackend.start("recording", ex -> {
            backendSaw.add(ex.getRequestMethod() + " " + ex.getRequestURI());
            long bodyBytes;
            try (InputStream in = ex.getRequestBody()) {
                bodyBytes = in.transferTo(OutputStream.nullOutputStream());
            }
            byte[] body = ("backend saw " + ex.getRequestURI() + " with " + bodyBytes + " body bytes\n")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        gatehouse = TestGatehouse.start("""
                limits: { max_uri: 256, max_headers: 1kb, max_body: 1kb }
                sites:
                  respond.test:
                    respond: { status: 200, body: "hello from respond" }
                  proxy.test:
                    upstream: app
                  routes.test:
                    routes:
                      - { path: /only, respond: 204 }
                upstreams:
                  app: { targets: [%s] }
                """.formatted(backend.address()));
    }

    @AfterAll
    void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    /** A request to send ({@code {H}} stands for the host) and the status it must get. */
    record Case(String name, String request, int status) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> refusedCases() {
        String longUri = "/" + "a".repeat(300);
        String veryLongUri = "/" + "a".repeat(5000);
        String bigHeader = "X-Big: " + "b".repeat(2000) + "\r\n";
        return List.of(
                new Case("request line with one token", "GET\r\nHost: {H}\r\n\r\n", 400),
                new Case("request line with four parts", "GET / HTTP/1.1 extra\r\nHost: {H}\r\n\r\n", 400),
                new Case("request line of binary garbage", "\u0001\u0002\u0003 \u00ff\u00fe\r\nHost: {H}\r\n\r\n", 400),
                new Case("method with a character outside token", "G(T / HTTP/1.1\r\nHost: {H}\r\n\r\n", 400),
                new Case("target that is not a path", "GET abc HTTP/1.1\r\nHost: {H}\r\n\r\n", 400),
                new Case("bare LF line endings", "GET / HTTP/1.1\nHost: {H}\n\n", 400),
                new Case("bare LF after one header", "GET / HTTP/1.1\r\nHost: {H}\nX-A: 1\r\n\r\n", 400),
                new Case("NUL in a header value", "GET / HTTP/1.1\r\nHost: {H}\r\nX-A: a\u0000b\r\n\r\n", 400),
                new Case("control byte 0x01 in a header value", "GET / HTTP/1.1\r\nHost: {H}\r\nX-A: a\u0001b\r\n\r\n", 400),
                new Case("bare CR in a header value", "GET / HTTP/1.1\r\nHost: {H}\r\nX-A: a\rb\r\n\r\n", 400),
                new Case("DEL in a header value", "GET / HTTP/1.1\r\nHost: {H}\r\nX-A: a\u007fb\r\n\r\n", 400),
                new Case("space between header name and colon", "GET / HTTP/1.1\r\nHost: {H}\r\nX-A : 1\r\n\r\n", 400),
                new Case("tab between header name and colon", "GET / HTTP/1.1\r\nHost: {H}\r\nX-A\t: 1\r\n\r\n", 400),
                new Case("header line without colon", "GET / HTTP/1.1\r\nHost: {H}\r\nX-A\r\n\r\n", 400),
                new Case("obs-fold continuation line", "GET / HTTP/1.1\r\nHost: {H}\r\nX-A: a\r\n b\r\n\r\n", 400),
                new Case("obs-fold continuation with a tab", "GET / HTTP/1.1\r\nHost: {H}\r\nX-A: a\r\n\tb\r\n\r\n", 400),
                new Case("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nX-Host: {H}\r\n\r\n", 400),
                new Case("two Host headers", "GET / HTTP/1.1\r\nHost: {H}\r\nHost: {H}\r\n\r\n", 400),
                new Case("URI over max_uri", "GET " + longUri + " HTTP/1.1\r\nHost: {H}\r\n\r\n", 414),
                new Case("request line far over max_uri", "GET " + veryLongUri + " HTTP/1.1\r\nHost: {H}\r\n\r\n", 414),
                new Case("headers over max_headers", "GET / HTTP/1.1\r\nHost: {H}\r\n" + bigHeader + "\r\n", 431),
                new Case("Content-Length over max_body", "POST / HTTP/1.1\r\nHost: {H}\r\nContent-Length: 5000\r\n\r\n", 413),
                new Case("HTTP/2.0 request line", "GET / HTTP/2.0\r\nHost: {H}\r\n\r\n", 505),
                new Case("HTTP/1.2 request line", "GET / HTTP/1.2\r\nHost: {H}\r\n\r\n", 505),
                new Case("HTTP/3.0 request line", "GET / HTTP/3.0\r\nHost: {H}\r\n\r\n", 505),
                new Case("version with a letter", "GET / HTTP/1.x\r\nHost: {H}\r\n\r\n", 400),
                new Case("version in lower case", "GET / http/1.1\r\nHost: {H}\r\n\r\n", 400),
                new Case("version of another protocol", "GET / FOO/1.1\r\nHost: {H}\r\n\r\n", 400),
                new Case("version with three numbers", "GET / HTTP/1.1.1\r\nHost: {H}\r\n\r\n", 400),
                new Case("version with two-digit major", "GET / HTTP/11.1\r\nHost: {H}\r\n\r\n", 400),
                new Case("Content-Length and Transfer-Encoding",
                        "POST / HTTP/1.1\r\nHost: {H}\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "0\r\n\r\n", 400),
                new Case("two differing Content-Length headers",
                        "POST / HTTP/1.1\r\nHost: {H}\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400),
                new Case("Content-Length list with differing values",
                        "POST / HTTP/1.1\r\nHost: {H}\r\nContent-Length: 1, 2\r\n\r\nab", 400),
                new Case("negative Content-Length", "POST / HTTP/1.1\r\nHost: {H}\r\nContent-Length: -1\r\n\r\n", 400),
                new Case("Content-Length with a plus sign", "POST / HTTP/1.1\r\nHost: {H}\r\nContent-Length: +1\r\n\r\na", 400),
                new Case("Transfer-Encoding that does not end in chunked",
                        "POST / HTTP/1.1\r\nHost: {H}\r\nTransfer-Encoding: gzip\r\n\r\nabc", 400),
                new Case("Transfer-Encoding: chunked, identity",
                        "POST / HTTP/1.1\r\nHost: {H}\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 400),
                // RFC 9112 §6.1: a transfer coding the server does not implement (only chunked is) gets 501.
                new Case("Transfer-Encoding: gzip, chunked",
                        "POST / HTTP/1.1\r\nHost: {H}\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
                new Case("Transfer-Encoding: identity, chunked",
                        "POST / HTTP/1.1\r\nHost: {H}\r\nTransfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n", 501),
                new Case("Transfer-Encoding: gzip and chunked on two lines",
                        "POST / HTTP/1.1\r\nHost: {H}\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "5\r\nhello\r\n0\r\n\r\n", 501));
    }

    static Stream<Arguments> refused() {
        return Stream.of(RESPOND, PROXY).flatMap(host -> refusedCases().stream().map(c -> Arguments.of(host, c)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource
    void refused(String host, Case c) throws IOException {
        int before = backendSaw.size();

        RawClient.Reply reply = RawClient.send(gatehouse.port(), c.request().replace("{H}", host), LIMIT);

        assertThat(reply.closed()).as("connection closed within %s; got: %s", LIMIT, reply.text()).isTrue();
        assertRefusal(reply, c.status());
        assertThat(backendSaw.size()).as("requests that reached the backend").isEqualTo(before);
    }

    private static void assertRefusal(RawClient.Reply reply, int status) {
        RawClient.Response response = reply.response();
        assertThat(response.status()).as("status; got: %s", reply.text()).isEqualTo(status);
        assertThat(response.header("content-type")).startsWith("text/plain");
        assertThat(response.header("connection")).isEqualToIgnoringCase("close");
        assertThat(response.bodyText()).startsWith(status + " ").hasSizeLessThan(300).doesNotContain("\u0000");
        assertThat(reply.responseCount()).as("responses in: %s", reply.text()).isEqualTo(1);
    }

    @Test
    void invalidChunkSizeToAProxiedSiteIs400() throws IOException {
        RawClient.Reply reply = RawClient.send(gatehouse.port(), "POST /chunks HTTP/1.1\r\nHost: proxy.test\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", LIMIT);

        assertThat(reply.closed()).isTrue();
        assertRefusal(reply, 400);
    }

    /** A fixed response goes out on the head alone; a broken body after it must still end the connection. */
    @Test
    void invalidChunkSizeToARespondSiteClosesTheConnection() throws IOException {
        RawClient.Reply reply = RawClient.send(gatehouse.port(), "POST / HTTP/1.1\r\nHost: respond.test\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\nGET /second HTTP/1.1\r\n"
                + "Host: respond.test\r\n\r\n", LIMIT);

        assertThat(reply.closed()).isTrue();
        assertThat(reply.responseCount()).as("responses in: %s", reply.text()).isEqualTo(1);
        assertThat(reply.response().status()).isIn(200, 400);
    }

    static Stream<Arguments> smuggling() {
        String smuggled = "GET /smuggled HTTP/1.1\r\nHost: proxy.test\r\n\r\n";
        return Stream.of(
                Arguments.of("CL.TE", "POST /first HTTP/1.1\r\nHost: proxy.test\r\nContent-Length: "
                        + (5 + smuggled.length()) + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled),
                Arguments.of("TE.CL", "POST /first HTTP/1.1\r\nHost: proxy.test\r\nContent-Length: 4\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(smuggled.length()) + "\r\n"
                        + smuggled + "\r\n0\r\n\r\n"),
                Arguments.of("TE.TE with a junk coding", "POST /first HTTP/1.1\r\nHost: proxy.test\r\n"
                        + "Content-Length: 5\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + smuggled),
                Arguments.of("TE with space before colon", "POST /first HTTP/1.1\r\nHost: proxy.test\r\n"
                        + "Content-Length: 5\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n" + smuggled),
                Arguments.of("TE folded onto another header", "POST /first HTTP/1.1\r\nHost: proxy.test\r\n"
                        + "Content-Length: 5\r\nX-A: 1\r\n Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled),
                Arguments.of("two Transfer-Encoding headers", "POST /first HTTP/1.1\r\nHost: proxy.test\r\n"
                        + "Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
                        + "0\r\n\r\n" + smuggled),
                Arguments.of("chunk size with an overflow", "POST /first HTTP/1.1\r\nHost: proxy.test\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n10000000000000005\r\nabcde\r\n0\r\n\r\n" + smuggled),
                Arguments.of("bare LF before a smuggled request", "POST /first HTTP/1.1\r\nHost: proxy.test\r\n"
                        + "Content-Length: 0\r\n\n" + smuggled));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void smuggling(String name, String attack) throws IOException {
        // A pooled upstream connection first: a smuggled request would ride on it.
        assertThat(RawClient.send(gatehouse.port(), "GET /warm HTTP/1.1\r\nHost: proxy.test\r\nConnection: close\r\n\r\n",
                LIMIT).response().status()).isEqualTo(200);
        int before = backendSaw.size();

        RawClient.Reply reply = RawClient.send(gatehouse.port(), attack, LIMIT);
        RawClient.Reply after = RawClient.send(gatehouse.port(),
                "GET /after HTTP/1.1\r\nHost: proxy.test\r\nConnection: close\r\n\r\n", LIMIT);

        assertThat(reply.closed()).isTrue();
        assertThat(reply.responseCount()).as("responses in: %s", reply.text()).isLessThanOrEqualTo(1);
        assertThat(reply.text()).doesNotContain("/smuggled");
        assertThat(after.response().status()).isEqualTo(200);
        assertThat(after.response().bodyText()).startsWith("backend saw /after");
        assertThat(backendSaw).noneMatch(r -> r.contains("/smuggled"));
        assertThat(backendSaw.subList(before, backendSaw.size()))
                .as("what reached the backend").isIn(List.of("GET /after"), List.of("POST /first", "GET /after"));
    }

    @Test
    void unknownHostWithoutDefaultSiteIs404NamingTheHost() throws IOException {
        RawClient.Reply reply = RawClient.send(gatehouse.port(),
                "GET / HTTP/1.1\r\nHost: nowhere.test:8080\r\nConnection: close\r\n\r\n", LIMIT);

        assertThat(reply.response().status()).isEqualTo(404);
        assertThat(reply.response().bodyText()).contains("\"nowhere.test\"");
        assertThat(reply.response().header("content-type")).startsWith("text/plain");
    }

    @Test
    void unknownHostWithDefaultSiteIsServedByIt() throws Exception {
        try (TestGatehouse withDefault = TestGatehouse.start("""
                default_site: fallback.test
                sites:
                  fallback.test:
                    respond: { status: 200, body: "fallback" }
                  other.test:
                    respond: { status: 200, body: "other" }
                """)) {
            RawClient.Reply reply = RawClient.send(withDefault.port(),
                    "GET / HTTP/1.1\r\nHost: nowhere.test\r\nConnection: close\r\n\r\n", LIMIT);
            RawClient.Reply named = RawClient.send(withDefault.port(),
                    "GET / HTTP/1.1\r\nHost: OTHER.test.\r\nConnection: close\r\n\r\n", LIMIT);

            assertThat(reply.response().status()).isEqualTo(200);
            assertThat(reply.response().bodyText()).isEqualTo("fallback");
            assertThat(named.response().bodyText()).isEqualTo("other");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/other", "/only/more", "/onl"})
    void siteWithRoutesWhereNoneMatchesIs404(String path) throws IOException {
        RawClient.Reply reply = RawClient.send(gatehouse.port(),
                "GET " + path + " HTTP/1.1\r\nHost: routes.test\r\nConnection: close\r\n\r\n", LIMIT);
        RawClient.Reply only = RawClient.send(gatehouse.port(),
                "GET /only HTTP/1.1\r\nHost: routes.test\r\nConnection: close\r\n\r\n", LIMIT);

        assertThat(reply.response().status()).isEqualTo(404);
        assertThat(reply.response().bodyText()).startsWith("404 Not Found: no route");
        assertThat(only.response().status()).isEqualTo(204);
    }

    @Test
    void aGoodRequestAfterAllThatStillWorksOnKeepAlive() throws IOException {
        RawClient.Reply reply = RawClient.send(gatehouse.port(), "GET / HTTP/1.1\r\nHost: respond.test\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: proxy.test\r\nConnection: close\r\n\r\n", LIMIT);

        assertThat(reply.closed()).isTrue();
        assertThat(reply.responseCount()).isEqualTo(2);
        assertThat(reply.text()).contains("hello from respond", "backend saw /");
    }
}
