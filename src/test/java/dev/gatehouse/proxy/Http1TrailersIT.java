package dev.gatehouse.proxy;

import dev.gatehouse.testing.RawBackend;
import dev.gatehouse.testing.RawConnection;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Chunked trailers through an HTTP/1.1 upstream, both ways (what gRPC-style trailers need from the h1 path). */
class Http1TrailersIT {

    @Test
    void requestAndResponseTrailersPassThrough() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        try (RawBackend backend = RawBackend.start((s, i) -> {
                String head = RawBackend.readHead(s.getInputStream());
                String body = RawBackend.readHead(s.getInputStream()); // the chunks end with an empty line too
                seen.complete(head + body);
                s.getOutputStream().write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "2\r\nok\r\n0\r\nx-upstream-trailer: done\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                s.getInputStream().read(); // until Gatehouse closes or reuses the connection
            });
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(backend.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            c.send("POST /up HTTP/1.1\r\nHost: example.test\r\nTE: trailers\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\nx-checksum: abc123\r\n\r\n");
            RawConnection.Response r = c.read();

            String upstreamSaw = seen.get(10, TimeUnit.SECONDS);
            assertThat(upstreamSaw).contains("hello").containsIgnoringCase("x-checksum: abc123");
            assertThat(upstreamSaw.toLowerCase()).contains("te: trailers");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("ok");
            assertThat(r.trailer("x-upstream-trailer")).isEqualTo("done");
        }
    }
}
