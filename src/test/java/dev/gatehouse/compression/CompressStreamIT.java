package dev.gatehouse.compression;

import com.github.luben.zstd.ZstdInputStream;
import dev.gatehouse.testing.Curl;
import dev.gatehouse.testing.GatehouseProcess;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A large body streamed through the compressor to a client that stops reading: the backend is held back (nothing
 * piles up in Gatehouse), and the whole body arrives intact once the client reads again. And gzip standing in when
 * the native libraries cannot load.
 */
@Timeout(180)
class CompressStreamIT {
    private static final int MIB = 1024 * 1024;
    private static final int BODY = 96 * MIB;
    /** 1 MiB of random letters, repeated: compresses about 1.6:1 (repeats are farther apart than the windows). */
    private static final byte[] BLOCK = letters(MIB);

    @TempDir
    Path dir;

    @Test
    void aLargeStreamedBodyIsCompressedWithBackpressureAndBoundedMemory() throws Exception {
        AtomicLong written = new AtomicLong();
        try (TestBackend app = TestBackend.start("big", ex -> {
                 ex.getResponseHeaders().set("Content-Type", "text/plain");
                 ex.sendResponseHeaders(200, 0); // chunked: no Content-Length
                 try (OutputStream out = ex.getResponseBody()) {
                     for (int sent = 0; sent < BODY; sent += 64 * 1024) {
                         out.write(BLOCK, sent % MIB, 64 * 1024);
                         written.addAndGet(64 * 1024);
                     }
                 } catch (IOException e) {
                     // the client went away: nothing more to send
                 }
             });
             TestGatehouse gh = TestGatehouse.start("""
                     sites:
                       localhost: { compress: true, upstream: big }
                     upstreams:
                       big: { targets: [%s] }
                     """.formatted(app.address()), dir);
             Socket socket = new Socket()) {
            socket.setReceiveBufferSize(32 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", gh.port()), 5000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET /big HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: zstd\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("content-encoding: zstd")
                    .containsIgnoringCase("transfer-encoding: chunked");

            // The client stops reading: the backend must stop soon after, held back through Gatehouse.
            long before;
            long deadline = System.nanoTime() + 10_000_000_000L;
            do {
                before = written.get();
                Thread.sleep(1000);
            } while (written.get() != before && System.nanoTime() < deadline);
            assertThat(written.get()).as("bytes the backend could send while the client read nothing")
                    .isLessThan(40L * MIB).isLessThan(BODY);

            Path coded = dir.resolve("body.zst");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(coded))) {
                readChunks(in, out);
            }
            CRC32 got = new CRC32();
            long length = 0;
            try (InputStream decoded = new ZstdInputStream(new BufferedInputStream(Files.newInputStream(coded)))) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = decoded.read(buf)) > 0) {
                    got.update(buf, 0, n);
                    length += n;
                }
            }
            CRC32 expected = new CRC32();
            for (int i = 0; i < BODY / MIB; i++) {
                expected.update(BLOCK);
            }
            assertThat(length).isEqualTo(BODY);
            assertThat(got.getValue()).isEqualTo(expected.getValue());
            assertThat(Files.size(coded)).isLessThan(BODY);
        }
    }

    @Test
    void gzipStandsInWhenTheNativeLibrariesCannotLoad() throws Exception {
        try (TestBackend app = TestBackend.start("app", CompressIT::answer);
             GatehouseProcess gh = GatehouseProcess.start("""
                     sites:
                       localhost: { compress: true, upstream: app }
                     upstreams:
                       app: { targets: [%s] }
                     """.formatted(app.address()),
                     "-Dbrotli4j.library.path=/nonexistent/libbrotli.so", "-DZstdNativePath=/nonexistent/libzstd.so")) {
            for (int i = 0; i < 2; i++) {
                Curl.Response r = Curl.run("--compressed", "-H", "Accept-Encoding: zstd, br, gzip",
                        "http://localhost:" + gh.port() + "/page.html");
                assertThat(r.header("content-encoding")).isEqualTo("gzip");
                assertThat(r.body()).isEqualTo(new String(CompressIT.PAGE, StandardCharsets.UTF_8));
            }
            String log = gh.stdout() + gh.stderr();
            assertThat(count(log, "the br native library could not be loaded")).as(log).isEqualTo(1);
            assertThat(count(log, "the zstd native library could not be loaded")).as(log).isEqualTo(1);
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the response head: " + head);
            }
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1
                    : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** Copies the payload of an HTTP/1.1 chunked body to {@code out}. */
    private static void readChunks(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[64 * 1024];
        while (true) {
            String line = readLine(in);
            int semi = line.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailers
                }
                return;
            }
            while (size > 0) {
                int n = in.read(buf, 0, Math.min(buf.length, size));
                if (n < 0) {
                    throw new IOException("connection closed inside a chunk");
                }
                out.write(buf, 0, n);
                size -= n;
            }
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed in a chunk line");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    private static byte[] letters(int size) {
        byte[] out = new byte[size];
        Random random = new Random(7);
        for (int i = 0; i < size; i++) {
            out[i] = (byte) (i % 80 == 79 ? '\n' : 'a' + random.nextInt(26));
        }
        return out;
    }
}
