package dev.gatehouse.auth;

import dev.gatehouse.testing.TestBackend;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The forward-auth client against a real HTTP service on loopback: every kind of answer, and no answer. */
@Timeout(60)
class ForwardAuthClientIT {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final AtomicReference<String> seen = new AtomicReference<>();
    private final java.util.concurrent.CountDownLatch slowRelease = new java.util.concurrent.CountDownLatch(1);

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** An auth service answering by the path the client asked for (X-Forwarded-Uri), recording the headers. */
    private TestBackend service() throws Exception {
        return TestBackend.start("auth", ex -> {
            StringBuilder sb = new StringBuilder(ex.getRequestMethod() + " " + ex.getRequestURI() + "\n");
            ex.getRequestHeaders().forEach((k, vs) -> vs.forEach(v -> sb.append(k.toLowerCase()).append(": ")
                    .append(v).append('\n')));
            seen.set(sb.toString());
            String uri = ex.getRequestHeaders().getFirst("X-Forwarded-Uri");
            byte[] body = ("denied " + uri).getBytes(StandardCharsets.UTF_8);
            switch (uri) {
                case "/ok" -> {
                    ex.getResponseHeaders().add("X-User", "alice");
                    ex.getResponseHeaders().add("X-Other", "not copied");
                    ex.sendResponseHeaders(204, -1);
                }
                case "/login" -> {
                    ex.getResponseHeaders().add("Location", "https://login.example/?next=/login");
                    ex.sendResponseHeaders(302, -1);
                }
                case "/broken" -> {
                    ex.sendResponseHeaders(500, body.length);
                    ex.getResponseBody().write(body);
                }
                case "/slow" -> {
                    try {
                        slowRelease.await(30, TimeUnit.SECONDS); // answers only after the client gave up
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    ex.sendResponseHeaders(200, -1);
                }
                default -> {
                    ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"x\"");
                    ex.sendResponseHeaders(401, body.length);
                    ex.getResponseBody().write(body);
                }
            }
            ex.close();
        });
    }

    private ForwardAuthClient client(int port, Optional<List<String>> requestHeaders, Optional<Duration> cache) {
        return new ForwardAuthClient(URI.create("http://127.0.0.1:" + port + "/check?x=1"), HttpMethod.GET,
                Duration.ofSeconds(5), List.of("X-User"), requestHeaders, cache, NioSocketChannel.class);
    }

    private ForwardAuthClient.Answer ask(ForwardAuthClient c, String uri) throws Exception {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri);
        r.headers().add("Host", "app.example").add("Cookie", "session=abc").add("Connection", "X-Hop")
                .add("X-Hop", "1").add("Content-Length", "5").add("Accept", "text/html")
                .add("X-Forwarded-For", "6.6.6.6");
        CompletableFuture<ForwardAuthClient.Answer> out = new CompletableFuture<>();
        EventLoop loop = group.next();
        loop.execute(() -> c.ask(loop, new ForwardAuthClient.Question(r, "app.example", true, "192.0.2.1"), a -> {
            assertThat(loop.inEventLoop()).isTrue();
            out.complete(a);
        }));
        return out.get(20, TimeUnit.SECONDS);
    }

    @Test
    void answersOfEveryKind() throws Exception {
        try (TestBackend auth = service()) {
            ForwardAuthClient c = client(auth.port(), Optional.empty(), Optional.empty());

            ForwardAuthClient.Answer ok = ask(c, "/ok");
            assertThat(ok).isInstanceOf(ForwardAuthClient.Passed.class);
            assertThat(((ForwardAuthClient.Passed) ok).copied().get("x-user")).isEqualTo("alice");
            assertThat(((ForwardAuthClient.Passed) ok).copied().contains("x-other")).isFalse();
            assertThat(seen.get()).startsWith("GET /check?x=1\n")
                    .contains("x-forwarded-method: POST", "x-forwarded-uri: /ok", "x-forwarded-host: app.example",
                            "x-forwarded-proto: https", "x-forwarded-for: 192.0.2.1", "cookie: session=abc",
                            "accept: text/html", "host: 127.0.0.1:" + auth.port())
                    .doesNotContain("x-hop", "content-length", "6.6.6.6");

            ForwardAuthClient.Refused denied = (ForwardAuthClient.Refused) ask(c, "/private");
            assertThat(denied.response().status().code()).isEqualTo(401);
            assertThat(denied.response().headers().get("www-authenticate")).isEqualTo("Bearer realm=\"x\"");
            assertThat(denied.response().content().toString(StandardCharsets.UTF_8)).isEqualTo("denied /private");
            denied.response().release();

            ForwardAuthClient.Refused redirect = (ForwardAuthClient.Refused) ask(c, "/login");
            assertThat(redirect.response().status().code()).isEqualTo(302);
            assertThat(redirect.response().headers().get("location")).isEqualTo("https://login.example/?next=/login");
            redirect.response().release();

            ForwardAuthClient.Refused broken = (ForwardAuthClient.Refused) ask(c, "/broken");
            assertThat(broken.response().status().code()).isEqualTo(500);
            broken.response().release();

            ForwardAuthClient.Answer slow = ask(c, "/slow");
            slowRelease.countDown();
            assertThat(slow).isInstanceOf(ForwardAuthClient.Failed.class);
            assertThat(((ForwardAuthClient.Failed) slow).reason()).contains("no answer within 5000 ms");
            assertThat(ask(c, "/ok")).isInstanceOf(ForwardAuthClient.Passed.class); // a fresh connection after that
        }
    }

    @Test
    void aRefusedConnectionIsAFailureNeverAPass() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ForwardAuthClient.Answer a = ask(client(port, Optional.empty(), Optional.empty()), "/ok");
        assertThat(a).isInstanceOf(ForwardAuthClient.Failed.class);
        assertThat(((ForwardAuthClient.Failed) a).reason()).contains("cannot connect");
    }

    @Test
    void requestHeadersNarrowWhatIsSentAndCacheRemembersPasses() throws Exception {
        try (TestBackend auth = service()) {
            ForwardAuthClient c = client(auth.port(), Optional.of(List.of("Cookie")), Optional.of(Duration.ofMinutes(1)));
            assertThat(ask(c, "/ok")).isInstanceOf(ForwardAuthClient.Passed.class);
            assertThat(seen.get()).contains("cookie: session=abc").doesNotContain("accept:");
            int asked = auth.requestCount();
            ForwardAuthClient.Answer again = ask(c, "/ok");
            assertThat(((ForwardAuthClient.Passed) again).copied().get("x-user")).isEqualTo("alice");
            assertThat(auth.requestCount()).isEqualTo(asked); // answered from the cache
            ((ForwardAuthClient.Refused) ask(c, "/private")).response().release(); // refusals are not remembered
            ForwardAuthClient.Answer denied = ask(c, "/private");
            assertThat(auth.requestCount()).isEqualTo(asked + 2);
            ((ForwardAuthClient.Refused) denied).response().release();
        }
    }
}
