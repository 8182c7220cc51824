package dev.gatehouse.proxy;

import dev.gatehouse.testing.RawBackend;
import dev.gatehouse.testing.RawClient;
import dev.gatehouse.testing.RawConnection;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code buffer_requests}: the whole body is read before the upstream is contacted (a slow upload holds no upstream
 * connection), past 64 KiB in a temp file that is deleted as soon as it was created and closed when the request is
 * done, and a body over the bound gets 413. A route without it streams as before.
 */
@Timeout(120)
class BufferRequestsIT {
    private static final String CONFIG = """
            sites:
              example.test:
                routes:
                  - { path: /buffered/*, upstream: app, buffer_requests: true }
                  - { path: /small/*, upstream: app, buffer_requests: 100kb }
                  - upstream: app
            upstreams:
              app: { targets: [%s] }
            """;

    /** What the backend saw of one request: its head and a digest of its body. */
    record Seen(String head, int bodyBytes, String sha) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    /** Reads each request's body by its Content-Length and answers with its length and digest. */
    private RawBackend backend() throws IOException {
        return RawBackend.start((s, i) -> {
            InputStream in = s.getInputStream();
            String head;
            while ((head = RawBackend.readHead(in)) != null) {
                String length = RawBackend.header(head, "content-length");
                byte[] body = length == null ? readChunked(in) : in.readNBytes(Integer.parseInt(length));
                String sha = sha(body);
                seen.add(new Seen(head, body.length, sha));
                s.getOutputStream().write(RawBackend.response(200, "got " + body.length + " " + sha)
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
            }
        });
    }

    @Test
    void aSlowUploadReachesTheUpstreamOnlyOnceItIsComplete() throws Exception {
        try (RawBackend backend = backend();
             TestGatehouse gh = TestGatehouse.start(CONFIG.formatted(backend.address()));
             RawConnection client = RawConnection.connect(gh.port())) {
            OutputStream out = client.socket().getOutputStream();
            out.write(("POST /buffered/a HTTP/1.1\r\nHost: example.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(500);
            assertThat(backend.connections()).as("no upstream connection while the body is coming").isZero();

            out.write("6\r\n world\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            RawConnection.Response response = client.read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("got 11 " + sha("hello world".getBytes(StandardCharsets.US_ASCII)));
            assertThat(RawBackend.header(seen.get(0).head(), "content-length"))
                    .as("the buffered body's length is known: sent with Content-Length").isEqualTo("11");
            assertThat(RawBackend.header(seen.get(0).head(), "transfer-encoding")).isNull();
        }
    }

    @Test
    void aRouteWithoutBufferingStillStreams() throws Exception {
        try (RawBackend backend = backend();
             TestGatehouse gh = TestGatehouse.start(CONFIG.formatted(backend.address()));
             RawConnection client = RawConnection.connect(gh.port())) {
            OutputStream out = client.socket().getOutputStream();
            out.write("POST /streamed HTTP/1.1\r\nHost: example.test\r\nContent-Length: 11\r\n\r\nhello"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (backend.connections() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(backend.connections()).as("the upstream is contacted before the body is complete").isEqualTo(1);

            out.write(" world".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(client.read().status()).isEqualTo(200);
        }
    }

    @Test
    void aLargeBodyGoesToATempFileThatIsGoneWhenTheRequestIsDone() throws Exception {
        byte[] body = new byte[1 << 20];
        new Random(42).nextBytes(body);
        try (RawBackend backend = backend();
             TestGatehouse gh = TestGatehouse.start(CONFIG.formatted(backend.address()));
             RawConnection client = RawConnection.connect(gh.port())) {
            Path tmp = gh.dir().resolve("data/tmp").toRealPath();
            OutputStream out = client.socket().getOutputStream();
            out.write(("POST /buffered/big HTTP/1.1\r\nHost: example.test\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, body.length / 2);
            out.flush();
            List<String> during = awaitOpen(tmp, true);
            assertThat(during).as("the spilled body's temp file, open and already unlinked").hasSize(1)
                    .allMatch(f -> f.endsWith("(deleted)"));
            try (DirectoryStream<Path> listed = Files.newDirectoryStream(tmp)) {
                assertThat(listed.iterator().hasNext()).as("nothing left in the directory to clean up").isFalse();
            }

            out.write(body, body.length / 2, body.length - body.length / 2);
            out.flush();
            RawConnection.Response response = client.read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("got " + body.length + " " + sha(body));
            assertThat(awaitOpen(tmp, false)).as("the temp file closed once handed on").isEmpty();
        }
    }

    @Test
    void aBodyOverTheBoundGets413AndNothingReachesTheUpstream() throws Exception {
        byte[] chunk = new byte[8192];
        try (RawBackend backend = backend();
             TestGatehouse gh = TestGatehouse.start(CONFIG.formatted(backend.address()))) {
            Path tmp = gh.dir().resolve("data/tmp").toRealPath();
            try (Socket client = RawClient.connect(gh.port())) {
                OutputStream out = client.getOutputStream();
                out.write("POST /small/x HTTP/1.1\r\nHost: example.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                try {
                    for (int i = 0; i < 25; i++) { // 200 KiB against a bound of 100 KiB
                        out.write(("2000\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(chunk);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                } catch (IOException closedByGatehouse) {
                    // the 413 came and the connection closed while the client was still sending
                }
                RawClient.Reply reply = RawClient.readToEof(client, System.nanoTime(), Duration.ofSeconds(10));
                assertThat(reply.response().status()).isEqualTo(413);
                assertThat(reply.response().bodyText()).contains("102400 bytes");
                assertThat(reply.closed()).isTrue();
            }
            RawClient.Reply declared = RawClient.send(gh.port(), "POST /small/y HTTP/1.1\r\nHost: example.test\r\n"
                    + "Content-Length: 200000\r\n\r\n", Duration.ofSeconds(10));
            assertThat(declared.response().status()).as("a declared length over the bound").isEqualTo(413);

            assertThat(backend.connections()).isZero();
            assertThat(awaitOpen(tmp, false)).isEmpty();
        }
    }

    @Test
    void aClientLeavingMidUploadLeavesNoTempFile() throws Exception {
        byte[] half = new byte[512 * 1024];
        try (RawBackend backend = backend();
             TestGatehouse gh = TestGatehouse.start(CONFIG.formatted(backend.address()))) {
            Path tmp = gh.dir().resolve("data/tmp").toRealPath();
            try (Socket client = RawClient.connect(gh.port())) {
                client.getOutputStream().write(("POST /buffered/gone HTTP/1.1\r\nHost: example.test\r\n"
                        + "Content-Length: 1048576\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                client.getOutputStream().write(half);
                client.getOutputStream().flush();
                assertThat(awaitOpen(tmp, true)).hasSize(1);
            }
            assertThat(awaitOpen(tmp, false)).as("closed when the client left").isEmpty();
            assertThat(backend.connections()).isZero();
        }
    }

    @Test
    void anHttp2UploadIsBufferedToo() throws Exception {
        byte[] body = new byte[300 * 1024];
        new Random(7).nextBytes(body);
        Path file = Files.createTempFile("upload", ".bin");
        try (RawBackend backend = backend();
             TestGatehouse gh = TestGatehouse.startListening("{ http: 0, https: off, address: 127.0.0.1, h2c: true }",
                     CONFIG.formatted(backend.address()), Files.createTempDirectory("buffer-h2"))) {
            Files.write(file, body);
            Process curl = new ProcessBuilder("curl", "-sS", "--max-time", "20", "--http2-prior-knowledge",
                    "-H", "Host: example.test", "--data-binary", "@" + file,
                    "http://127.0.0.1:" + gh.port() + "/buffered/h2").redirectErrorStream(true).start();
            String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(out).isEqualTo("got " + body.length + " " + sha(body));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The files under {@code dir} this process has open, waiting up to 5 s for some ({@code any}) or none. */
    private static List<String> awaitOpen(Path dir, boolean any) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> open;
        do {
            open = openFilesUnder(dir);
            if (open.isEmpty() != any) {
                return open;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        return open;
    }

    private static List<String> openFilesUnder(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(dir + "/")) {
                        out.add(target);
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor went away while listing
                }
            }
        }
        return out;
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int size;
        while ((size = Integer.parseInt(line(in).trim(), 16)) > 0) {
            body.write(in.readNBytes(size));
            line(in);
        }
        while (!line(in).isEmpty()) {
            // trailer fields
        }
        return body.toByteArray();
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("EOF in a chunked body");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static String sha(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
