package dev.gatehouse.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.netty.channel.Channel;
import io.netty.handler.codec.DateFormatter;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** StaticFiles behind a real Netty HTTP/1.1 server on loopback, against a temporary root. */
@ExtendWith(LeakWatch.class)
class StaticFilesTest {

    private static final String HELLO = "Hello, static world!\n"; // 21 bytes
    private static final String SECRET = "TOP-SECRET-OUTSIDE-ROOT";
    private static final Instant MTIME = Instant.parse("2024-03-01T12:00:00Z");

    @TempDir
    static Path temp;
    static Path root;
    static FileServer server;
    static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectory(temp.resolve("root"));
        Path outside = Files.createDirectory(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), SECRET);
        Files.writeString(temp.resolve("secret.txt"), SECRET);

        write("hello.txt", HELLO);
        write("index.html", "<h1>home</h1>");
        write("docs/index.html", "<h1>docs</h1>");
        Files.createDirectories(root.resolve("empty"));
        write("h\u00e9llo world.txt", "unicode name");
        write("empty.txt", "");
        Files.createSymbolicLink(root.resolve("leak.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("leakdir"), outside);
        Files.createSymbolicLink(root.resolve("alias.txt"), root.resolve("hello.txt"));
        Files.createSymbolicLink(root.resolve("docs-link"), root.resolve("docs"));

        server = new FileServer(root);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void write(String name, String content) throws IOException {
        Path file = root.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(MTIME));
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    // --- plain GET, types, HEAD, methods

    @Test
    void servesFileWithLengthValidatorsAndSafetyHeaders() throws Exception {
        HttpResponse<String> response = get("/hello.txt");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(HELLO);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
        assertThat(response.headers().firstValue("content-length")).hasValue(String.valueOf(HELLO.length()));
        assertThat(response.headers().firstValue("accept-ranges")).hasValue("bytes");
        assertThat(response.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("etag")).hasValueSatisfying(etag -> assertThat(etag).matches("\"[0-9a-f]+-[0-9a-f]+\""));
        assertThat(response.headers().firstValue("last-modified")).hasValue("Fri, 01 Mar 2024 12:00:00 GMT");
    }

    @ParameterizedTest
    @CsvSource({
            "page.html, text/html; charset=utf-8",
            "style.CSS, text/css; charset=utf-8",
            "app.js, text/javascript; charset=utf-8",
            "mod.mjs, text/javascript; charset=utf-8",
            "data.json, application/json; charset=utf-8",
            "logo.svg, image/svg+xml; charset=utf-8",
            "pic.png, image/png",
            "pic.webp, image/webp",
            "font.woff2, font/woff2",
            "app.wasm, application/wasm",
            "clip.mp4, video/mp4",
            "archive.tar.gz, application/gzip",
            "program.exe, application/octet-stream",
            "Makefile, application/octet-stream",
    })
    void contentTypeFollowsExtension(String name, String expected) throws Exception {
        write("types/" + name, "x");

        HttpResponse<String> response = get("/types/" + name);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue(expected);
    }

    @Test
    void headHasGetHeadersButNoBody() throws Exception {
        HttpResponse<String> get = get("/hello.txt");

        RawHttp.Response head = RawHttp.exchange(server.port(), "HEAD", "/hello.txt");

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty(); // read to EOF: nothing after the head
        assertThat(head.header("content-length")).isEqualTo(String.valueOf(HELLO.length()));
        assertThat(head.header("etag")).isEqualTo(get.headers().firstValue("etag").orElseThrow());
        assertThat(head.header("content-type")).isEqualTo("text/plain; charset=utf-8");
    }

    @Test
    void headIgnoresRange() throws Exception {
        HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/hello.txt"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Range", "bytes=0-1").build(),
                HttpResponse.BodyHandlers.discarding());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-length")).hasValue(String.valueOf(HELLO.length()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "OPTIONS", "PATCH"})
    void otherMethodsGet405WithAllow(String method) throws Exception {
        RawHttp.Response response = RawHttp.exchange(server.port(), method, "/hello.txt");

        assertThat(response.status()).isEqualTo(405);
        assertThat(response.header("allow")).isEqualTo("GET, HEAD");
        assertThat(response.bodyText()).doesNotContain(HELLO);
    }

    @Test
    void missingFileIs404WithShortText() throws Exception {
        HttpResponse<String> response = get("/nope.txt");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("404 Not Found\n");
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
        assertThat(response.headers().firstValue("content-length")).hasValue("14");
    }

    @Test
    void percentEncodedUtf8NameIsServed() throws Exception {
        HttpResponse<String> response = get("/h%C3%A9llo%20world.txt");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("unicode name");
    }

    @Test
    void emptyFileIs200WithZeroLength() throws Exception {
        HttpResponse<String> response = get("/empty.txt");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().firstValue("content-length")).hasValue("0");
    }

    @Test
    void unreadableFileIs403() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root reads every file");
        write("private.txt", "private");
        Files.setPosixFilePermissions(root.resolve("private.txt"), PosixFilePermissions.fromString("-w-------"));

        HttpResponse<String> response = get("/private.txt");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).doesNotContain("private\n").isEqualTo("403 Forbidden\n");
    }

    // --- directories

    @Test
    void directoryServesItsIndex() throws Exception {
        assertThat(get("/").body()).isEqualTo("<h1>home</h1>");
        HttpResponse<String> docs = get("/docs/");
        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.body()).isEqualTo("<h1>docs</h1>");
        assertThat(docs.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    }

    @Test
    void directoryWithoutSlashRedirectsToSlash() throws Exception {
        HttpResponse<String> response = get("/docs?x=1");

        assertThat(response.statusCode()).isEqualTo(301);
        assertThat(response.headers().firstValue("location")).hasValue("/docs/");
    }

    @Test
    void redirectCannotBecomeProtocolRelative() throws Exception {
        Files.createDirectories(root.resolve("evil.example"));

        RawHttp.Response response = RawHttp.exchange(server.port(), "GET", "//evil.example");

        assertThat(response.status()).isEqualTo(301);
        assertThat(response.header("location")).isEqualTo("/evil.example/");
    }

    @Test
    void directoryWithoutIndexIs404NotAListing() throws Exception {
        write("empty/file-in-dir.txt", "x");

        HttpResponse<String> response = get("/empty/");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).doesNotContain("file-in-dir");
    }

    @Test
    void fileWithTrailingSlashIs404() throws Exception {
        assertThat(get("/hello.txt/").statusCode()).isEqualTo(404);
        assertThat(get("/hello.txt/more").statusCode()).isEqualTo(404);
    }

    // --- escaping the root

    @ParameterizedTest
    @ValueSource(strings = {
            "/../secret.txt",
            "/docs/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2e/secret.txt",
            "/docs/%2e%2e/%2e%2e/secret.txt",
            "/..%2fsecret.txt",
            "/docs%2f..%2f..%2fsecret.txt",
            "/..%5csecret.txt",
            "/..\\secret.txt",
            "/hello.txt%00.png",
            "/%zzhello.txt",
            "/hello%2",
            "/%c3%28.txt",
            "/./hello.txt",
            "hello.txt",
    })
    void traversalAndMalformedPathsAre400(String target) throws Exception {
        RawHttp.Response response = RawHttp.exchange(server.port(), "GET", target);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.bodyText()).doesNotContain(SECRET).doesNotContain(HELLO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/leak.txt", "/leakdir/secret.txt", "/leakdir/", "/leakdir"})
    void symlinkOutOfRootIs404(String target) throws Exception {
        RawHttp.Response response = RawHttp.exchange(server.port(), "GET", target);

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.bodyText()).doesNotContain(SECRET);
    }

    @Test
    void symlinkInsideRootIsServed() throws Exception {
        assertThat(get("/alias.txt").body()).isEqualTo(HELLO);
        assertThat(get("/docs-link/").body()).isEqualTo("<h1>docs</h1>");
    }

    // --- conditional requests

    @Test
    void ifNoneMatchWithCurrentEtagIs304() throws Exception {
        String etag = get("/hello.txt").headers().firstValue("etag").orElseThrow();

        for (String condition : new String[]{etag, "\"other\", " + etag, "W/" + etag, "*"}) {
            HttpResponse<String> response = get("/hello.txt", "If-None-Match", condition);
            assertThat(response.statusCode()).as(condition).isEqualTo(304);
            assertThat(response.body()).isEmpty();
            assertThat(response.headers().firstValue("etag")).hasValue(etag);
        }
    }

    @Test
    void ifNoneMatchWithOtherEtagIs200EvenWhenDateWouldSay304() throws Exception {
        HttpResponse<String> response = get("/hello.txt",
                "If-None-Match", "\"stale\"", "If-Modified-Since", "Fri, 01 Mar 2030 12:00:00 GMT");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(HELLO);
    }

    @Test
    void ifModifiedSinceBothWays() throws Exception {
        HttpResponse<String> unchanged = get("/hello.txt", "If-Modified-Since", DateFormatter.format(java.util.Date.from(MTIME)));
        HttpResponse<String> changed = get("/hello.txt", "If-Modified-Since", "Thu, 29 Feb 2024 12:00:00 GMT");
        HttpResponse<String> garbage = get("/hello.txt", "If-Modified-Since", "yesterday");

        assertThat(unchanged.statusCode()).isEqualTo(304);
        assertThat(unchanged.body()).isEmpty();
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.body()).isEqualTo(HELLO);
        assertThat(garbage.statusCode()).isEqualTo(200);
    }

    @Test
    void ifMatchMismatchIs412() throws Exception {
        assertThat(get("/hello.txt", "If-Match", "\"stale\"").statusCode()).isEqualTo(412);
        String etag = get("/hello.txt").headers().firstValue("etag").orElseThrow();
        assertThat(get("/hello.txt", "If-Match", etag).statusCode()).isEqualTo(200);
    }

    @Test
    void notModifiedThenFullResponseOnOneConnectionKeepFraming() throws Exception {
        String etag = get("/hello.txt").headers().firstValue("etag").orElseThrow();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
            socket.setSoTimeout(10_000);
            String requests = "GET /hello.txt HTTP/1.1\r\nHost: t\r\nIf-None-Match: " + etag + "\r\n\r\n"
                    + "GET /hello.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
            String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

            assertThat(all).startsWith("HTTP/1.1 304 ");
            assertThat(all.indexOf("HTTP/1.1 200 OK")).isPositive();
            assertThat(all).endsWith("\r\n\r\n" + HELLO);
        }
    }

    // --- ranges

    @Test
    void closedRangeIs206() throws Exception {
        HttpResponse<String> response = get("/hello.txt", "Range", "bytes=7-12");

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.body()).isEqualTo("static");
        assertThat(response.headers().firstValue("content-range")).hasValue("bytes 7-12/21");
        assertThat(response.headers().firstValue("content-length")).hasValue("6");
    }

    @Test
    void openEndedAndSuffixRanges() throws Exception {
        HttpResponse<String> open = get("/hello.txt", "Range", "bytes=14-");
        HttpResponse<String> suffix = get("/hello.txt", "Range", "bytes=-7");
        HttpResponse<String> longSuffix = get("/hello.txt", "Range", "bytes=-1000");
        HttpResponse<String> pastEnd = get("/hello.txt", "Range", "bytes=14-99999");

        assertThat(open.statusCode()).isEqualTo(206);
        assertThat(open.body()).isEqualTo("world!\n");
        assertThat(open.headers().firstValue("content-range")).hasValue("bytes 14-20/21");
        assertThat(suffix.body()).isEqualTo("world!\n");
        assertThat(suffix.headers().firstValue("content-range")).hasValue("bytes 14-20/21");
        assertThat(longSuffix.statusCode()).isEqualTo(206);
        assertThat(longSuffix.body()).isEqualTo(HELLO);
        assertThat(pastEnd.headers().firstValue("content-range")).hasValue("bytes 14-20/21");
    }

    @Test
    void rangeReportsServedBodyBytes() throws Exception {
        server.served.clear();

        get("/hello.txt", "Range", "bytes=0-4");

        StaticFiles.Served served = server.served.poll(5, TimeUnit.SECONDS);
        assertThat(served).isNotNull();
        assertThat(served.status()).isEqualTo(206);
        assertThat(served.bodyBytes()).isEqualTo(5);
        assertThat(served.done().await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(served.done().isSuccess()).isTrue();
    }

    @Test
    void unsatisfiableRangeIs416WithSize() throws Exception {
        for (String range : new String[]{"bytes=21-", "bytes=100-200", "bytes=-0"}) {
            HttpResponse<String> response = get("/hello.txt", "Range", range);
            assertThat(response.statusCode()).as(range).isEqualTo(416);
            assertThat(response.headers().firstValue("content-range")).hasValue("bytes */21");
        }
    }

    @Test
    void multipleOrInvalidRangesGetWholeFile() throws Exception {
        for (String range : new String[]{"bytes=0-1,3-4", "bytes=5-2", "items=0-1", "bytes=abc"}) {
            HttpResponse<String> response = get("/hello.txt", "Range", range);
            assertThat(response.statusCode()).as(range).isEqualTo(200);
            assertThat(response.body()).isEqualTo(HELLO);
        }
    }

    @Test
    void ifRangeHonoursRangeOnlyForCurrentValidator() throws Exception {
        HttpResponse<String> first = get("/hello.txt");
        String etag = first.headers().firstValue("etag").orElseThrow();
        String lastModified = first.headers().firstValue("last-modified").orElseThrow();

        assertThat(get("/hello.txt", "Range", "bytes=0-4", "If-Range", etag).statusCode()).isEqualTo(206);
        assertThat(get("/hello.txt", "Range", "bytes=0-4", "If-Range", lastModified).statusCode()).isEqualTo(206);
        HttpResponse<String> stale = get("/hello.txt", "Range", "bytes=0-4", "If-Range", "\"stale\"");
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(stale.body()).isEqualTo(HELLO);
        assertThat(get("/hello.txt", "Range", "bytes=0-4", "If-Range", "W/" + etag).statusCode()).isEqualTo(200);
    }

    // --- big files

    @Test
    void twentyMebibyteFileIsByteExactAndStreamedWithBoundedBuffering() throws Exception {
        byte[] block = new byte[1024 * 1024];
        new Random(42).nextBytes(block);
        Path big = root.resolve("big.bin");
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        try (var out = Files.newOutputStream(big)) {
            for (int i = 0; i < 20; i++) {
                block[0] = (byte) i; // 20 different blocks
                out.write(block);
                expected.update(block);
            }
        }

        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024); // a slow reader: the server must wait, not buffer
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("GET /big.bin HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            Thread.sleep(300); // let the server run ahead as far as it would
            long pending = pendingOutboundBytes(server.lastChild.get());
            assertThat(pending).as("bytes queued in the server's channel while the client does not read")
                    .isLessThan(1024 * 1024);

            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200 ").contains("content-length: " + 20 * 1024 * 1024);
            MessageDigest actual = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                actual.update(buffer, 0, n);
                total += n;
            }
            assertThat(total).isEqualTo(20L * 1024 * 1024);
            assertThat(actual.digest()).isEqualTo(expected.digest());
        }
    }

    private static long pendingOutboundBytes(Channel channel) throws Exception {
        return channel.eventLoop().submit(() -> {
            var buffer = channel.unsafe().outboundBuffer();
            return buffer == null ? 0L : buffer.totalPendingWriteBytes();
        }).get(5, TimeUnit.SECONDS);
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside the response head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
