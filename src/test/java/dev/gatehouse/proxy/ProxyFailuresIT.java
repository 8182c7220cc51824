package dev.gatehouse.proxy;

import dev.gatehouse.testing.GatehouseProcess;
import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.RawBackend;
import dev.gatehouse.testing.RawConnection;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What the client gets, and what is logged, when the upstream refuses, stalls, or breaks off. */
class ProxyFailuresIT {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HttpResponse<String> get(TestGatehouse gh, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(gh.uri(path)).header("Host", "example.test")
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void refusedConnectionIs502AndLogged() throws Exception {
        String dead = "127.0.0.1:" + GatehouseProcess.freePort();
        try (TestGatehouse gh = TestGatehouse.start(Configs.proxy(dead));
             LogCapture log = LogCapture.of("dev.gatehouse.proxy")) {
            HttpResponse<String> r = get(gh, "/x");

            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
            assertThat(r.body()).startsWith("502 Bad Gateway").hasSizeLessThan(200);
            String line = log.await(l -> l.contains("target=" + dead), Duration.ofSeconds(2));
            assertThat(line).isNotNull().contains("upstream=app", "site=example.test", "connect-refused");
            assertThat(log.lines()).as("one failure, one line").hasSize(1);
        }
    }

    @Test
    void aRefusingTargetIsSkippedForAnother() throws Exception {
        String dead = "127.0.0.1:" + GatehouseProcess.freePort();
        try (TestBackend live = TestBackend.echo("live");
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(dead, live.address()))) {
            for (int i = 0; i < 20; i++) {
                assertThat(get(gh, "/" + i).statusCode()).as("request " + i).isEqualTo(200);
            }
            assertThat(live.requestCount()).isEqualTo(20);
        }
    }

    @Test
    void upstreamThatNeverAnswersIs504AfterTheHeaderTimeout() throws Exception {
        try (RawBackend silent = RawBackend.start((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            s.getInputStream().read(); // until Gatehouse gives up and closes
        });
             TestGatehouse gh = TestGatehouse.start(Configs.proxyWith("timeouts: { upstream_header: 500ms }",
                     silent.address()));
             LogCapture log = LogCapture.of("dev.gatehouse.proxy")) {
            long start = System.nanoTime();
            HttpResponse<String> r = get(gh, "/slow");
            long ms = (System.nanoTime() - start) / 1_000_000;

            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(r.body()).startsWith("504 Gateway Timeout");
            assertThat(ms).isBetween(400L, 5_000L);
            assertThat(log.await(l -> l.contains("header-timeout") && l.contains("target=" + silent.address()),
                    Duration.ofSeconds(2))).isNotNull();
        }
    }

    @Test
    void connectTimeoutIs504() throws Exception {
        // A listener whose accept queue is full drops further SYNs, so a connect hangs like one to an unrouted
        // address. (10.255.255.1 is the usual choice, but this sandbox answers for every address.)
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Closer fillers = fillAcceptQueue(full);
             TestGatehouse gh = TestGatehouse.start(Configs.proxyWith("timeouts: { connect: 300ms }",
                     "127.0.0.1:" + full.getLocalPort()));
             LogCapture log = LogCapture.of("dev.gatehouse.proxy")) {
            long start = System.nanoTime();
            HttpResponse<String> r = get(gh, "/");
            long ms = (System.nanoTime() - start) / 1_000_000;

            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(r.body()).startsWith("504 Gateway Timeout");
            assertThat(ms).isBetween(250L, 3_000L);
            assertThat(log.await(l -> l.contains("connect-timeout") && l.contains("upstream=app"),
                    Duration.ofSeconds(2))).isNotNull();
        }
    }

    /** Sockets to close together. */
    private static final class Closer implements AutoCloseable {
        final List<Socket> sockets = new ArrayList<>();

        @Override
        public void close() throws IOException {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /** Connects to {@code server} (which never accepts) until a connect times out: the queue is full. */
    private static Closer fillAcceptQueue(ServerSocket server) throws IOException {
        Closer closer = new Closer();
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            closer.sockets.add(s);
            try {
                s.connect(new InetSocketAddress(server.getInetAddress(), server.getLocalPort()), 200);
            } catch (SocketTimeoutException e) {
                return closer;
            }
        }
        closer.close();
        throw new IllegalStateException("the accept queue of a backlog-1 listener never filled up");
    }

    @Test
    void upstreamClosingMidBodyNeverLooksLikeACompleteResponse() throws Exception {
        try (RawBackend breaking = RawBackend.start((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789"
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
        });
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(breaking.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            RawConnection.Response r = c.send("GET / HTTP/1.1\r\nHost: example.test\r\n\r\n").read();

            boolean cleanWrongLength = r.status() == 200 && r.complete() && r.body().length != 1000;
            assertThat(cleanWrongLength).as("a clean 200 of the wrong length").isFalse();
            assertThat(r.status() != 200 || !r.complete()).as("the client can tell it failed").isTrue();
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void upstreamClosingMidChunkedBodyNeverSendsTheLastChunk() throws Exception {
        try (RawBackend breaking = RawBackend.start((s, i) -> {
            RawBackend.readHead(s.getInputStream());
            s.getOutputStream().write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
        });
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(breaking.address()));
             RawConnection c = RawConnection.connect(gh.port())) {
            RawConnection.Response r = c.send("GET / HTTP/1.1\r\nHost: example.test\r\n\r\n").read();

            assertThat(r.status() != 200 || !r.complete()).as("the client can tell it failed").isTrue();
        }
    }

    @Test
    void aClientLeavingMidResponseClosesTheUpstreamToo() throws Exception {
        LinkedBlockingQueue<String> backendSaw = new LinkedBlockingQueue<>();
        try (TestBackend endless = TestBackend.start("endless", ex -> {
            if (!ex.getRequestURI().getPath().equals("/endless")) {
                ex.sendResponseHeaders(204, -1);
                ex.close();
                return;
            }
            ex.sendResponseHeaders(200, 0);
            byte[] block = new byte[64 * 1024];
            long sent = 0;
            try (OutputStream out = ex.getResponseBody()) {
                while (sent < (1L << 30)) { // far more than the client reads; bounded all the same
                    out.write(block);
                    sent += block.length;
                }
                backendSaw.add("all sent");
            } catch (IOException e) {
                backendSaw.add("write failed after " + sent);
            }
        });
             TestGatehouse gh = TestGatehouse.start(Configs.proxy(endless.address()));
             LogCapture access = LogCapture.of("gatehouse.access")) {
            try (RawConnection c = RawConnection.connect(gh.port())) {
                c.send("GET /endless HTTP/1.1\r\nHost: example.test\r\n\r\n");
                c.socket().getInputStream().readNBytes(100_000);
            }

            assertThat(backendSaw.poll(10, TimeUnit.SECONDS)).as("the backend noticed").startsWith("write failed");
            assertThat(access.await(l -> l.contains("\"GET /endless HTTP/1.1\" 200 ") && l.contains("cause=client-closed"),
                    Duration.ofSeconds(2))).isNotNull();
            assertThat(get(gh, "/after").statusCode()).isEqualTo(204);
        }
    }
}
