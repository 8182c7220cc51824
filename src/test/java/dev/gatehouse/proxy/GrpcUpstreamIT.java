package dev.gatehouse.proxy;

import dev.gatehouse.testing.GatehouseProcess;
import dev.gatehouse.testing.GrpcTestServer;
import dev.gatehouse.testing.H2Backend;
import dev.gatehouse.testing.RawConnection;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upstream half of gRPC proxying, driven from an HTTP/1.1 client that writes gRPC framing by hand (chunked
 * body, trailers): a real grpc-java server behind {@code protocol: h2c}, and Gatehouse's own failures answered as
 * gRPC statuses. {@link GrpcProxyIT} covers the same with a real gRPC client over HTTP/2.
 */
class GrpcUpstreamIT {

    private static String config(String... targets) {
        return """
                sites:
                  example.test:
                    upstream: grpc
                upstreams:
                  grpc: { protocol: h2c, targets: [%s] }
                """.formatted(String.join(", ", targets));
    }

    /** A gRPC call's request head (chunked, so that trailers could follow) and its messages as one chunk each. */
    private static String call(String method, String extraHeaders, String... messages) {
        StringBuilder sb = new StringBuilder("POST /" + GrpcTestServer.SERVICE + "/" + method + " HTTP/1.1\r\n"
                + "Host: example.test\r\nContent-Type: application/grpc\r\nTE: trailers\r\n" + extraHeaders
                + "Transfer-Encoding: chunked\r\n\r\n");
        for (String m : messages) {
            byte[] frame = frame(m);
            sb.append(Integer.toHexString(frame.length)).append("\r\n")
                    .append(new String(frame, StandardCharsets.ISO_8859_1)).append("\r\n");
        }
        return sb.append("0\r\n\r\n").toString();
    }

    /** gRPC length-prefixed message: flag 0 (uncompressed), 4-byte big-endian length, bytes. */
    private static byte[] frame(String message) {
        byte[] m = message.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(5 + m.length).put((byte) 0).putInt(m.length).put(m).array();
    }

    private static List<String> messages(byte[] body) {
        List<String> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(body);
        while (b.remaining() >= 5) {
            b.get();
            byte[] m = new byte[b.getInt()];
            b.get(m);
            out.add(new String(m, StandardCharsets.UTF_8));
        }
        assertThat(b.remaining()).as("no partial message: %s", HexFormat.of().formatHex(body)).isZero();
        return out;
    }

    @Test
    void unaryCallWithItsTrailers() throws Exception {
        try (GrpcTestServer server = GrpcTestServer.start();
             TestGatehouse gh = TestGatehouse.start(config(server.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            c.send(send(call("Say", "", "gatehouse")));
            RawConnection.Response r = c.read();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("content-type")).startsWith("application/grpc");
            assertThat(messages(r.body())).containsExactly("hello gatehouse");
            assertThat(r.trailer("grpc-status")).as("the upstream's trailers reach the client").isEqualTo("0");
        }
    }

    @Test
    void streamingBothWaysOnOneCall() throws Exception {
        try (GrpcTestServer server = GrpcTestServer.start();
             TestGatehouse gh = TestGatehouse.start(config(server.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            c.send(send(call("Chat", "", "a", "bb", "ccc")));
            RawConnection.Response chat = c.read();
            assertThat(messages(chat.body())).containsExactly("A", "BB", "CCC");
            assertThat(chat.trailer("grpc-status")).isEqualTo("0");

            c.send(send(call("Count", "", "5")));
            RawConnection.Response count = c.read();
            assertThat(messages(count.body())).containsExactly("0", "1", "2", "3", "4");
            assertThat(count.trailer("grpc-status")).isEqualTo("0");

            c.send(send(call("Join", "", "x", "y", "z")));
            RawConnection.Response join = c.read();
            assertThat(messages(join.body())).containsExactly("x,y,z");
        }
    }

    @Test
    void anUpstreamErrorStatusPassesThrough() throws Exception {
        try (GrpcTestServer server = GrpcTestServer.start();
             TestGatehouse gh = TestGatehouse.start(config(server.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            c.send(send(call("Fail", "", "nothing here")));
            RawConnection.Response r = c.read();

            assertThat(r.status()).isEqualTo(200);
            // A trailers-only response from the upstream: the status travels in the head.
            String status = r.header("grpc-status") != null ? r.header("grpc-status") : r.trailer("grpc-status");
            assertThat(status).isEqualTo("5");
        }
    }

    @Test
    void noUpstreamIsUnavailableAsAGrpcStatus() throws Exception {
        String dead = "127.0.0.1:" + GatehouseProcess.freePort();
        try (TestGatehouse gh = TestGatehouse.start(config(dead));
             RawConnection c = RawConnection.connect(gh.port())) {
            c.send(send(call("Say", "", "anyone?")));
            RawConnection.Response r = c.read();

            assertThat(r.status()).as("gRPC clients read grpc-status, not the HTTP status").isEqualTo(200);
            assertThat(r.header("content-type")).isEqualTo("application/grpc");
            assertThat(r.header("grpc-status")).isEqualTo("14");
            assertThat(r.header("grpc-message")).contains("refused");
            assertThat(r.body()).isEmpty();
        }
    }

    @Test
    void grpcTimeoutIsTheCallsDeadline() throws Exception {
        // An upstream that ignores deadlines, so that the answer is Gatehouse's own.
        try (H2Backend backend = H2Backend.h2c();
             TestGatehouse gh = TestGatehouse.start(config(backend.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            long start = System.nanoTime();
            c.send("POST /slow?ms=5000 HTTP/1.1\r\nHost: example.test\r\nContent-Type: application/grpc\r\n"
                    + "TE: trailers\r\ngrpc-timeout: 300m\r\nContent-Length: 0\r\n\r\n");
            RawConnection.Response r = c.read();
            long ms = (System.nanoTime() - start) / 1_000_000;

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("grpc-status")).isEqualTo("4");
            assertThat(r.header("grpc-message")).contains("grpc-timeout");
            assertThat(ms).isBetween(250L, 4000L);
        }
    }

    @Test
    void withGrpcTimeoutTheIdleAndHeaderTimeoutsDoNotCutTheCall() throws Exception {
        try (H2Backend backend = H2Backend.h2c();
             TestGatehouse gh = TestGatehouse.start("timeouts: { idle: 1s, upstream_header: 1s }\n"
                     + config(backend.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            c.send("POST /slow?ms=2500 HTTP/1.1\r\nHost: example.test\r\nContent-Type: application/grpc\r\n"
                    + "TE: trailers\r\ngrpc-timeout: 20S\r\nContent-Length: 0\r\n\r\n");
            RawConnection.Response r = c.read();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("grpc-status")).as("not cut by Gatehouse").isNull();
            assertThat(r.bodyText()).isEqualTo("slow");
        }
    }

    @Test
    void withoutGrpcTimeoutTheConfiguredTimeoutsApply() throws Exception {
        try (H2Backend backend = H2Backend.h2c();
             TestGatehouse gh = TestGatehouse.start("timeouts: { upstream_header: 1s }\n" + config(backend.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            c.send("POST /slow?ms=5000 HTTP/1.1\r\nHost: example.test\r\nContent-Type: application/grpc\r\n"
                    + "TE: trailers\r\nContent-Length: 0\r\n\r\n");
            RawConnection.Response r = c.read();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("grpc-status")).as("the header timeout, as DEADLINE_EXCEEDED").isEqualTo("4");
        }
    }

    @Test
    void anUpstreamKilledMidStreamEndsTheCallWithAnErrorStatus() throws Exception {
        try (GrpcTestServer server = GrpcTestServer.start();
             TestGatehouse gh = TestGatehouse.start(config(server.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            c.send(send(call("Count", "", "forever")));
            assertThat(server.streamStarted(10_000)).isTrue();
            Thread.sleep(200); // the first message on its way through Gatehouse
            server.kill();
            RawConnection.Response r = c.read();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.complete()).as("the response ends properly, with trailers").isTrue();
            assertThat(messages(r.body())).containsExactly("0");
            assertThat(r.trailer("grpc-status")).as("never a silent success").isNotNull().isNotEqualTo("0");
        }
    }

    private static byte[] send(String request) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(request.getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }
}
