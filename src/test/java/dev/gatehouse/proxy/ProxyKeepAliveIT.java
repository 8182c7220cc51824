package dev.gatehouse.proxy;

import dev.gatehouse.testing.RawBackend;
import dev.gatehouse.testing.RawConnection;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Connection reuse on both sides, pipelining, and the retry when a pooled connection turns out closed. */
class ProxyKeepAliveIT {

    @Test
    void requestsOnOneClientConnectionReuseOneUpstreamConnection() throws Exception {
        try (RawBackend backend = RawBackend.keepAlive("ok");
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            for (int i = 0; i < 5; i++) {
                RawConnection.Response r = c.send("GET /" + i + " HTTP/1.1\r\nHost: example.test\r\n\r\n").read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyText()).isEqualTo("ok");
            }
            assertThat(backend.connections()).isEqualTo(1);
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (TestBackend backend = TestBackend.echo("a");
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            c.send("GET /one HTTP/1.1\r\nHost: example.test\r\n\r\n"
                    + "POST /two HTTP/1.1\r\nHost: example.test\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET /three HTTP/1.1\r\nHost: example.test\r\n\r\n");

            RawConnection.Response one = c.read();
            RawConnection.Response two = c.read();
            RawConnection.Response three = c.read();
            assertThat(one.bodyText()).contains("uri: /one\n");
            assertThat(two.bodyText()).contains("method: POST\n", "uri: /two\n", "body-bytes: 3\n");
            assertThat(three.bodyText()).contains("uri: /three\n");
        }
    }

    @Test
    void anUpstreamClosingAKeptAliveConnectionBetweenRequestsIsNotAFailure() throws Exception {
        // Answers one request per connection but keeps quiet about it: no "Connection: close".
        try (RawBackend backend = RawBackend.start((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            s.getOutputStream().write(RawBackend.response(200, "conn-" + i).getBytes(StandardCharsets.ISO_8859_1));
        });
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            for (int i = 0; i < 3; i++) {
                RawConnection.Response r = c.send("GET / HTTP/1.1\r\nHost: example.test\r\n\r\n").read();
                assertThat(r.status()).isEqualTo(200);
                Thread.sleep(100); // the close reaches Gatehouse while the connection idles in the pool
            }
            assertThat(backend.connections()).isEqualTo(3);
        }
    }

    @Test
    void aPooledConnectionClosedAsTheRequestArrivesIsRetriedOnAFreshOne() throws Exception {
        // The race of a keep-alive timeout: the upstream reads the next request, then closes without answering.
        try (RawBackend backend = RawBackend.start((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            s.getOutputStream().write(RawBackend.response(200, "conn-" + i).getBytes(StandardCharsets.ISO_8859_1));
            if (i == 0) {
                RawBackend.readHead(s.getInputStream());
                return; // closes
            }
            // The fresh connection stays usable for the next request: the resent request ended cleanly.
            RawBackend.readHead(s.getInputStream());
            s.getOutputStream().write(RawBackend.response(200, "conn-" + i + "-again").getBytes(StandardCharsets.ISO_8859_1));
        });
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            RawConnection.Response first = c.send("GET /1 HTTP/1.1\r\nHost: example.test\r\n\r\n").read();
            RawConnection.Response second = c.send("GET /2 HTTP/1.1\r\nHost: example.test\r\n\r\n").read();
            RawConnection.Response third = c.send("GET /3 HTTP/1.1\r\nHost: example.test\r\n\r\n").read();

            assertThat(first.bodyText()).isEqualTo("conn-0");
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.bodyText()).isEqualTo("conn-1");
            assertThat(third.status()).isEqualTo(200);
            assertThat(third.bodyText()).isEqualTo("conn-1-again");
            assertThat(backend.connections()).isEqualTo(2);
        }
    }

    @Test
    void aConnectionTheUpstreamSaidItWouldCloseIsNotReused() throws Exception {
        // Says "Connection: close" but leaves the socket open: reusing it would send the next request nowhere.
        try (RawBackend backend = RawBackend.start((s, i) -> {
            while (RawBackend.readHead(s.getInputStream()) != null) {
                s.getOutputStream().write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"
                        .getBytes(StandardCharsets.ISO_8859_1));
            }
        });
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            for (int i = 0; i < 3; i++) {
                RawConnection.Response r = c.send("GET / HTTP/1.1\r\nHost: example.test\r\n\r\n").read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("connection")).as("the client's connection is Gatehouse's to keep").isNull();
            }
            assertThat(backend.connections()).isEqualTo(3);
        }
    }
}
