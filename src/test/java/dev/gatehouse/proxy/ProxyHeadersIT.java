package dev.gatehouse.proxy;

import dev.gatehouse.testing.RawBackend;
import dev.gatehouse.testing.RawConnection;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** What headers the upstream and the client see: hop-by-hop rules both ways, Host, X-Forwarded-*, h2c. */
class ProxyHeadersIT {

    private static RawConnection.Response get(TestGatehouse gh, String headers) throws Exception {
        try (RawConnection c = RawConnection.connect(gh.port())) {
            return c.send("GET /h HTTP/1.1\r\nHost: example.test\r\n" + headers + "\r\n").read();
        }
    }

    @Test
    void hopByHopRequestHeadersAreNotForwarded() throws Exception {
        try (TestBackend backend = TestBackend.echo("a");
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()))) {
            RawConnection.Response r = get(gh, """
                    Connection: keep-alive, X-Hop-Named\r
                    X-Hop-Named: secret\r
                    Keep-Alive: timeout=5\r
                    TE: gzip\r
                    Trailer: X-Checksum\r
                    Proxy-Authorization: Basic Zm9vOmJhcg==\r
                    Proxy-Connection: keep-alive\r
                    Upgrade: websocket\r
                    X-End-To-End: kept\r
                    """);

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText())
                    .contains("header: x-end-to-end: kept")
                    .doesNotContain("x-hop-named", "keep-alive", "header: te:", "header: trailer:",
                            "proxy-authorization", "proxy-connection", "header: upgrade:");
        }
    }

    @Test
    void teTrailersIsTheOneTeThatPasses() throws Exception {
        try (TestBackend backend = TestBackend.echo("a");
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()))) {
            assertThat(get(gh, "TE: trailers\r\n").bodyText()).contains("header: te: trailers");
            assertThat(get(gh, "TE: trailers, deflate\r\n").bodyText()).doesNotContain("header: te:");
        }
    }

    @Test
    void hopByHopResponseHeadersAreNotRelayed() throws Exception {
        String response = "HTTP/1.1 200 OK\r\n"
                + "Connection: X-Resp-Hop\r\n"
                + "X-Resp-Hop: 1\r\n"
                + "Keep-Alive: timeout=5, max=100\r\n"
                + "Proxy-Authenticate: Basic realm=x\r\n"
                + "Proxy-Connection: keep-alive\r\n"
                + "Trailer: X-Checksum\r\n"
                + "Upgrade: h2c\r\n"
                + "X-End-To-End: kept\r\n"
                + "Content-Length: 2\r\n\r\nok";
        try (RawBackend backend = RawBackend.start((s, i) -> {
            while (RawBackend.readHead(s.getInputStream()) != null) {
                s.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
            }
        });
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()))) {
            RawConnection.Response r = get(gh, "");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("ok");
            assertThat(r.header("x-end-to-end")).isEqualTo("kept");
            for (String hop : new String[] {"connection", "x-resp-hop", "keep-alive", "proxy-authenticate",
                    "proxy-connection", "trailer", "upgrade"}) {
                assertThat(r.header(hop)).as(hop).isNull();
            }
        }
    }

    @Test
    void hostIsPassedThroughUnchanged() throws Exception {
        try (TestBackend backend = TestBackend.echo("a");
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()))) {
            try (RawConnection c = RawConnection.connect(gh.port())) {
                RawConnection.Response r = c.send("GET /h HTTP/1.1\r\nHost: Example.Test:8443\r\n\r\n").read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyText()).contains("header: host: Example.Test:8443");
            }
        }
    }

    @Test
    void forwardingHeadersFromAnUntrustedPeerAreReplaced() throws Exception {
        try (TestBackend backend = TestBackend.echo("a");
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()))) {
            RawConnection.Response r = get(gh, """
                    X-Forwarded-For: 203.0.113.9\r
                    X-Forwarded-Proto: https\r
                    X-Forwarded-Host: evil.test\r
                    X-Real-IP: 203.0.113.9\r
                    """);

            assertThat(r.bodyText()).contains(
                    "header: x-forwarded-for: 127.0.0.1\n",
                    "header: x-forwarded-proto: http\n",
                    "header: x-forwarded-host: example.test\n",
                    "header: x-real-ip: 127.0.0.1\n");
            assertThat(r.bodyText()).doesNotContain("203.0.113.9", "evil.test", "https");
        }
    }

    @Test
    void forwardingHeadersFromATrustedProxyAreExtended() throws Exception {
        try (TestBackend backend = TestBackend.echo("a");
             TestGatehouse gh = TestGatehouse.start(Configs.proxyWith(
                     "trusted_proxies: [127.0.0.0/8, \"::1\"]", backend.address()))) {
            RawConnection.Response r = get(gh, """
                    X-Forwarded-For: 203.0.113.9\r
                    X-Forwarded-Proto: https\r
                    """);

            assertThat(r.bodyText()).contains(
                    "header: x-forwarded-for: 203.0.113.9, 127.0.0.1\n",
                    "header: x-forwarded-proto: https\n",
                    "header: x-forwarded-host: example.test\n",
                    "header: x-real-ip: 203.0.113.9\n");
        }
    }

    @Test
    void forwardingHeadersAreSetWhenTheClientSentNone() throws Exception {
        try (TestBackend backend = TestBackend.echo("a");
             TestGatehouse gh = TestGatehouse.start(Configs.proxyWith(
                     "trusted_proxies: [127.0.0.0/8]", backend.address()))) {
            assertThat(get(gh, "").bodyText()).contains(
                    "header: x-forwarded-for: 127.0.0.1\n",
                    "header: x-forwarded-proto: http\n",
                    "header: x-forwarded-host: example.test\n",
                    "header: x-real-ip: 127.0.0.1\n");
        }
    }

    @Test
    void gatehouseAddsNoServerHeader() throws Exception {
        try (RawBackend backend = RawBackend.keepAlive("ok");
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()))) {
            RawConnection.Response proxied = get(gh, "");
            assertThat(proxied.status()).isEqualTo(200);
            assertThat(proxied.hasHeader("server")).isFalse();

            try (RawConnection c = RawConnection.connect(gh.port())) {
                RawConnection.Response notFound = c.send("GET / HTTP/1.1\r\nHost: nowhere.test\r\n\r\n").read();
                assertThat(notFound.status()).isEqualTo(404);
                assertThat(notFound.hasHeader("server")).isFalse();
            }
        }
    }

    @Test
    void anUpstreamsServerHeaderIsKept() throws Exception {
        try (RawBackend backend = RawBackend.start((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            s.getOutputStream().write("HTTP/1.1 200 OK\r\nServer: app/1.0\r\nContent-Length: 0\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
        });
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()))) {
            assertThat(get(gh, "").header("server")).isEqualTo("app/1.0");
        }
    }

    @Test
    void h2cUpgradeIsNeverForwarded() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        try (RawBackend backend = RawBackend.start((s, i) -> {
            seen.set(RawBackend.readHead(s.getInputStream()));
            s.getOutputStream().write(RawBackend.response(200, "served").getBytes(StandardCharsets.ISO_8859_1));
        });
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()))) {
            RawConnection.Response r = get(gh, """
                    Connection: Upgrade, HTTP2-Settings\r
                    Upgrade: h2c\r
                    HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r
                    """);

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("served");
            assertThat(seen.get()).startsWith("GET /h HTTP/1.1\r\n");
            assertThat(seen.get().toLowerCase()).doesNotContain("upgrade", "http2-settings", "h2c");
        }
    }
}
