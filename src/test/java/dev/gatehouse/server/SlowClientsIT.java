package dev.gatehouse.server;

import dev.gatehouse.metrics.Scrape;
import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.RawClient;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that send their head slowly or not at all: {@code timeouts.client_header} bounds the head, so they get
 * 408 (or a silent close when they sent nothing) and cannot crowd out normal clients.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowClientsIT {
    private static final int SLOWLORIS_WANTED = 2000;
    /** A head that never ends: after these bytes the client keeps sending header value bytes. */
    private static final byte[] PARTIAL_HEAD = "GET / HTTP/1.1\r\nHost: slow.test\r\nX-Slow: "
            .getBytes(StandardCharsets.US_ASCII);

    private TestGatehouse gatehouse;

    @BeforeAll
    void start() throws Exception {
        gatehouse = TestGatehouse.start("""
                timeouts: { client_header: 1s, idle: 2s }
                sites:
                  slow.test:
                    respond: { status: 200, body: "ok" }
                """);
    }

    @AfterAll
    void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
    }

    private double timeouts(String reason) {
        return Scrape.parse(gatehouse.server().metrics().scrape())
                .value("gatehouse_client_timeouts_total", "listener", "http", "reason", reason);
    }

    @Test
    void aStalledPartialHeadGets408AndIsClosed() throws Exception {
        double before = timeouts("head");
        String partial = "GET / HTTP/1.1\r\nHost: slow.test\r\n";
        try (Socket socket = RawClient.connect(gatehouse.port());
             LogCapture access = LogCapture.of("gatehouse.access")) {
            long start = System.nanoTime();
            socket.getOutputStream().write(partial.getBytes(StandardCharsets.US_ASCII));

            RawClient.Reply reply = RawClient.readToEof(socket, start, Duration.ofSeconds(5));

            assertThat(reply.closed()).isTrue();
            assertThat(reply.elapsed()).isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
            assertThat(reply.response().status()).isEqualTo(408);
            assertThat(reply.response().header("connection")).isEqualToIgnoringCase("close");
            assertThat(reply.response().bodyText()).startsWith("408 Request Timeout");
            assertThat(access.await(line -> line.contains("\" 400 "), Duration.ofMillis(300)))
                    .as("a 400 logged for the head cut short by the 408").isNull();
            String line = access.await(l -> l.contains("\"-\" 408 "), Duration.ofSeconds(2));
            assertThat(line).as("the 408 in the access log, with the peer and the bytes read").isNotNull()
                    .startsWith("INFO 127.0.0.1 - - [").contains("cause=head-timeout", "read=" + partial.length());
            assertThat(timeouts("head")).isEqualTo(before + 1);
        }
    }

    /** The deadline is for the whole head: trickling bytes does not extend it. */
    @Test
    void aHeadTrickledByteByByteGets408WithinTheDeadline() throws Exception {
        try (Socket socket = RawClient.connect(gatehouse.port())) {
            OutputStream out = socket.getOutputStream();
            long start = System.nanoTime();
            CompletableFuture<RawClient.Reply> reply = CompletableFuture.supplyAsync(() -> {
                try {
                    return RawClient.readToEof(socket, start, Duration.ofSeconds(5));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            for (int i = 0; i < 50 && !reply.isDone(); i++) {
                try {
                    out.write(i < PARTIAL_HEAD.length ? PARTIAL_HEAD[i] : 'a');
                    out.flush();
                } catch (IOException e) {
                    break; // closed by the server
                }
                Thread.sleep(100);
            }

            RawClient.Reply r = reply.get(6, TimeUnit.SECONDS);
            assertThat(r.closed()).isTrue();
            assertThat(r.elapsed()).isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
            assertThat(r.response().status()).isEqualTo(408);
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosedSilently() throws IOException {
        double before = timeouts("silent");
        try (Socket socket = RawClient.connect(gatehouse.port())) {
            RawClient.Reply reply = RawClient.readToEof(socket, System.nanoTime(), Duration.ofSeconds(5));

            assertThat(reply.closed()).isTrue();
            assertThat(reply.elapsed()).isLessThan(Duration.ofSeconds(3));
            assertThat(reply.bytes()).isEmpty();
            assertThat(timeouts("silent")).as("counted as a silent connection").isEqualTo(before + 1);
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout() throws IOException {
        try (Socket socket = RawClient.connect(gatehouse.port())) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: slow.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();

            RawClient.Reply reply = RawClient.readToEof(socket, start, Duration.ofSeconds(6));

            assertThat(reply.response().status()).isEqualTo(200);
            assertThat(reply.closed()).isTrue();
            assertThat(reply.responseCount()).isEqualTo(1);
            assertThat(reply.elapsed()).isBetween(Duration.ofMillis(1800), Duration.ofSeconds(4));
        }
    }

    @Test
    void slowlorisDoesNotStarveNormalClients() throws Exception {
        long openFiles = openFilesLimit();
        // Each connection costs two descriptors in this JVM (client and server side); leave room for the rest.
        int count = (int) Math.max(100, Math.min(SLOWLORIS_WANTED, (openFiles - 1000) / 2));
        System.out.printf("slowloris: %d connections (open files limit %d)%n", count, openFiles);

        List<SlowClient> slow = new ArrayList<>(count);
        ExecutorService normal = Executors.newFixedThreadPool(5);
        try (Selector selector = Selector.open()) {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                SlowClient c = new SlowClient(SocketChannel.open(new InetSocketAddress("127.0.0.1", gatehouse.port())));
                slow.add(c);
                c.channel.configureBlocking(false);
                c.channel.register(selector, SelectionKey.OP_READ, c);
                c.sendNextByte();
            }
            long connected = System.nanoTime();
            System.out.printf("slowloris: %d connected in %d ms%n", count, (connected - start) / 1_000_000);

            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            List<CompletableFuture<Long>> requests = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                requests.add(CompletableFuture.supplyAsync(() -> timedRequest(client), normal));
            }

            long deadline = connected + Duration.ofSeconds(15).toNanos();
            ByteBuffer buf = ByteBuffer.allocate(1024);
            while (System.nanoTime() < deadline && slow.stream().anyMatch(c -> !c.closed)) {
                for (SlowClient c : slow) {
                    if (!c.closed) {
                        c.sendNextByte();
                    }
                }
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    ((SlowClient) key.attachment()).read(buf);
                }
                selector.selectedKeys().clear();
            }
            long allClosed = System.nanoTime();

            List<Long> millis = new ArrayList<>();
            for (CompletableFuture<Long> r : requests) {
                millis.add(r.get(10, TimeUnit.SECONDS));
            }
            System.out.printf("slowloris: normal requests took %s ms; slow sockets closed after %d ms%n", millis,
                    (allClosed - connected) / 1_000_000);
            assertThat(millis).as("each normal request's time in ms").allMatch(ms -> ms < 2000);
            assertThat(slow).as("slow connections closed by the server").allMatch(c -> c.closed);
            assertThat(slow).as("slow connections that were answered got 408")
                    .allMatch(c -> c.received.isEmpty() || c.received.startsWith("HTTP/1.1 408"));
            assertThat(slow.stream().filter(c -> c.received.startsWith("HTTP/1.1 408")).count())
                    .as("slow connections answered with 408").isGreaterThan(count / 2);
        } finally {
            for (SlowClient c : slow) {
                c.close();
            }
            normal.shutdownNow();
        }
    }

    private long timedRequest(HttpClient client) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(gatehouse.uri("/"))
                    .header("Host", "slow.test").timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 || !response.body().equals("ok")) {
                throw new AssertionError("unexpected response " + response.statusCode() + " " + response.body());
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** One slowloris connection: sends its head one byte per round and never finishes it. */
    private static final class SlowClient {
        final SocketChannel channel;
        int sent;
        boolean closed;
        String received = "";

        SlowClient(SocketChannel channel) {
            this.channel = channel;
        }

        void sendNextByte() {
            byte b = sent < PARTIAL_HEAD.length ? PARTIAL_HEAD[sent] : (byte) 'a';
            try {
                if (channel.write(ByteBuffer.wrap(new byte[] {b})) == 1) {
                    sent++;
                }
            } catch (IOException e) {
                closed = true; // reset or broken pipe: the server closed it
            }
        }

        void read(ByteBuffer buf) {
            try {
                buf.clear();
                int n = channel.read(buf);
                if (n < 0) {
                    closed = true;
                } else {
                    received += new String(buf.array(), 0, n, StandardCharsets.ISO_8859_1);
                }
            } catch (IOException e) {
                closed = true;
            }
            if (closed) {
                close();
            }
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** The soft limit on open files, from /proc/self/limits (Linux); a conservative guess elsewhere. */
    private static long openFilesLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE / 4 : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return 1024;
    }
}
