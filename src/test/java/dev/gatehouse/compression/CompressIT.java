package dev.gatehouse.compression;

import com.sun.net.httpserver.HttpExchange;
import dev.gatehouse.testing.Curl;
import dev.gatehouse.testing.HttpsClients;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * compress end to end: a real backend on loopback, clients on HTTP/1.1 and HTTP/2 (the JDK's, and curl), every
 * coding decoded by a real decoder (the zstd, brotli and gzip programs, curl --compressed), and what must never be
 * compressed passing through byte for byte.
 */
@Timeout(120)
class CompressIT {
    private static final String LISTEN = "{ http: 0, https: 0, address: 127.0.0.1 }";
    static final byte[] PAGE = page(64 * 1024);
    private static final byte[] SMALL = "short answer, far below the minimum size\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void proxiedResponsesAreCompressedWithTheNegotiatedCodingOnBothProtocols() throws Exception {
        try (TestBackend app = TestBackend.start("app", CompressIT::answer);
             TestGatehouse gh = TestGatehouse.startListening(LISTEN, site("compress: true", app), dir)) {
            for (HttpClient.Version v : HttpsClients.BOTH) {
                HttpClient client = HttpsClients.client(gh, v);
                for (String coding : List.of("zstd", "br", "gzip")) {
                    HttpResponse<byte[]> r = get(client, gh, "/page.html", "Accept-Encoding", coding);
                    String what = v + " " + coding;
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.headers().firstValue("content-encoding")).as(what).contains(coding);
                    assertThat(r.headers().firstValue("vary")).as(what).hasValueSatisfying(vary ->
                            assertThat(vary).containsIgnoringCase("accept-encoding"));
                    assertThat(r.headers().firstValue("etag")).as(what + ": a strong ETag turns weak")
                            .contains("W/\"page-v1\"");
                    assertThat(r.headers().firstValue("content-length")).as(what).isEmpty();
                    assertThat(r.headers().firstValue("accept-ranges")).as(what).isEmpty();
                    assertThat(r.body().length).as(what).isLessThan(PAGE.length / 3);
                    assertThat(decode(coding, r.body())).as(what).isEqualTo(PAGE);
                }
                // A body without Content-Length, longer than min_size: decided once 1 KiB of it has come.
                HttpResponse<byte[]> chunked = get(client, gh, "/stream.json", "Accept-Encoding", "gzip, br");
                assertThat(chunked.headers().firstValue("content-encoding")).contains("br");
                assertThat(decode("br", chunked.body())).isEqualTo(json());
            }
        }
    }

    @Test
    void curlDecodesWhatItAskedForOnBothProtocols() throws Exception {
        try (TestBackend app = TestBackend.start("app", CompressIT::answer);
             TestGatehouse gh = TestGatehouse.startListening(LISTEN, site("compress: true", app), dir)) {
            String root = gh.dir().resolve("data/local-ca/root.pem").toString();
            String url = "https://localhost:" + gh.httpsPort() + "/page.html";
            for (String protocol : List.of("--http1.1", "--http2")) {
                Curl.Response r = Curl.run("--compressed", protocol, "--cacert", root, url);
                assertThat(r.status()).isEqualTo(200);
                // curl offers every coding it can decode, all at q=1: the server's order decides
                assertThat(r.header("content-encoding")).as(protocol).isEqualTo("zstd");
                assertThat(r.body()).as(protocol).isEqualTo(new String(PAGE, StandardCharsets.UTF_8));
                Curl.Response gzip = Curl.run("--compressed", protocol, "-H", "Accept-Encoding: gzip",
                        "--cacert", root, url);
                assertThat(gzip.header("content-encoding")).isEqualTo("gzip");
                assertThat(gzip.body()).isEqualTo(new String(PAGE, StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void qValuesDecideAndNothingIsCompressedWhenNotAsked() throws Exception {
        try (TestBackend app = TestBackend.start("app", CompressIT::answer);
             TestGatehouse gh = TestGatehouse.startListening(LISTEN, site("compress: true", app), dir)) {
            HttpClient client = HttpsClients.client(gh, HttpClient.Version.HTTP_2);
            assertThat(coding(client, gh, "gzip;q=0.5, br;q=0.9, zstd;q=0.1")).isEqualTo("br");
            assertThat(coding(client, gh, "gzip, zstd;q=0")).isEqualTo("gzip");
            assertThat(coding(client, gh, "*")).isEqualTo("zstd");
            assertThat(coding(client, gh, "*, zstd;q=0, br;q=0")).isEqualTo("gzip");
            assertThat(coding(client, gh, "x-gzip")).isEqualTo("gzip");
            assertThat(coding(client, gh, "GZIP;Q=1.000")).isEqualTo("gzip");
            for (String refused : List.of("gzip;q=0", "*;q=0", "identity", "deflate, compress", "gzip;q=0.5, identity",
                    "br;q=nonsense", "")) {
                HttpResponse<byte[]> r = get(client, gh, "/page.html", "Accept-Encoding", refused);
                assertThat(r.headers().firstValue("content-encoding")).as(refused).isEmpty();
                assertThat(r.headers().firstValue("content-length")).as(refused).contains(String.valueOf(PAGE.length));
                assertThat(r.headers().firstValue("etag")).as(refused).contains("\"page-v1\"");
                assertThat(r.headers().firstValue("vary")).as(refused + ": another client may get it compressed")
                        .contains("Accept-Encoding");
                assertThat(r.body()).isEqualTo(PAGE);
            }
            HttpResponse<byte[]> none = get(client, gh, "/page.html");
            assertThat(none.headers().firstValue("content-encoding")).isEmpty();
            assertThat(none.body()).isEqualTo(PAGE);
        }
    }

    @Test
    void whatMustNotBeCompressedPassesUnchanged() throws Exception {
        try (TestBackend app = TestBackend.start("app", CompressIT::answer);
             TestGatehouse gh = TestGatehouse.startListening(LISTEN, site("compress: true", app), dir)) {
            for (HttpClient.Version v : HttpsClients.BOTH) {
                HttpClient client = HttpsClients.client(gh, v);
                String all = "zstd, br, gzip";

                HttpResponse<byte[]> small = get(client, gh, "/small", "Accept-Encoding", all);
                assertThat(small.headers().firstValue("content-encoding")).as(v + " small").isEmpty();
                assertThat(small.headers().firstValue("content-length")).contains(String.valueOf(SMALL.length));
                assertThat(small.headers().firstValue("vary")).as(v + " small").isEmpty();
                assertThat(small.body()).isEqualTo(SMALL);

                HttpResponse<byte[]> smallChunked = get(client, gh, "/small-chunked", "Accept-Encoding", all);
                assertThat(smallChunked.headers().firstValue("content-encoding")).as(v + " small chunked").isEmpty();
                assertThat(smallChunked.body()).isEqualTo(SMALL);

                HttpResponse<byte[]> image = get(client, gh, "/image.png", "Accept-Encoding", all);
                assertThat(image.headers().firstValue("content-encoding")).as(v + " png").isEmpty();
                assertThat(image.headers().firstValue("content-length")).contains(String.valueOf(PAGE.length));
                assertThat(image.body()).isEqualTo(PAGE);

                HttpResponse<byte[]> encoded = get(client, gh, "/encoded", "Accept-Encoding", all);
                assertThat(encoded.headers().firstValue("content-encoding")).as(v + " encoded").contains("gzip");
                assertThat(encoded.body()).isEqualTo(gzip(PAGE));

                HttpResponse<byte[]> noTransform = get(client, gh, "/no-transform", "Accept-Encoding", all);
                assertThat(noTransform.headers().firstValue("content-encoding")).as(v + " no-transform").isEmpty();
                assertThat(noTransform.body()).isEqualTo(PAGE);

                HttpResponse<byte[]> part = get(client, gh, "/page.html", "Accept-Encoding", all, "Range",
                        "bytes=100-199");
                assertThat(part.statusCode()).isEqualTo(206);
                assertThat(part.headers().firstValue("content-encoding")).as(v + " 206").isEmpty();
                assertThat(part.headers().firstValue("content-range")).contains("bytes 100-199/" + PAGE.length);
                assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(PAGE, 100, 200));

                HttpResponse<byte[]> head = client.send(HttpRequest.newBuilder(HttpsClients.uri(gh, "/page.html"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Accept-Encoding", all).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(head.headers().firstValue("content-encoding")).as(v + " HEAD").isEmpty();
                assertThat(head.headers().firstValue("vary")).contains("Accept-Encoding");

                HttpResponse<byte[]> empty = get(client, gh, "/empty", "Accept-Encoding", all);
                assertThat(empty.statusCode()).isEqualTo(204);
                assertThat(empty.headers().firstValue("content-encoding")).isEmpty();

                HttpResponse<byte[]> notModified = get(client, gh, "/page.html", "Accept-Encoding", all,
                        "If-None-Match", "W/\"page-v1\"");
                assertThat(notModified.statusCode()).isEqualTo(304);
                assertThat(notModified.headers().firstValue("content-encoding")).isEmpty();
                assertThat(notModified.headers().firstValue("etag")).as(v + " 304: the ETag the 200 would carry")
                        .contains("W/\"page-v1\"");
                assertThat(notModified.headers().firstValue("vary")).contains("Accept-Encoding");
            }
        }
    }

    @Test
    void aRouteOverridesItsSiteAndARouteWithoutCompressIsUntouched() throws Exception {
        try (TestBackend app = TestBackend.start("app", CompressIT::answer);
             TestGatehouse gh = TestGatehouse.startListening(LISTEN, """
                     sites:
                       localhost:
                         compress: true
                         routes:
                           - path: /raw/*
                             compress: false
                             upstream: app
                           - path: /custom/*
                             compress: { algorithms: [gzip], level: 9, min_size: 10, types: [image/png] }
                             upstream: app
                           - upstream: app
                       other.localhost:
                         upstream: app
                     upstreams:
                       app: { targets: [%s] }
                     """.formatted(app.address()), dir)) {
            HttpClient client = HttpsClients.client(gh, HttpClient.Version.HTTP_1_1);
            HttpResponse<byte[]> raw = get(client, gh, "/raw/page.html", "Accept-Encoding", "gzip");
            assertThat(raw.headers().firstValue("content-encoding")).isEmpty();
            assertThat(raw.headers().firstValue("vary")).isEmpty();
            assertThat(raw.body()).isEqualTo(PAGE);

            HttpResponse<byte[]> png = get(client, gh, "/custom/image.png", "Accept-Encoding", "zstd, br, gzip");
            assertThat(png.headers().firstValue("content-encoding")).contains("gzip");
            assertThat(decode("gzip", png.body())).isEqualTo(PAGE);
            HttpResponse<byte[]> html = get(client, gh, "/custom/page.html", "Accept-Encoding", "gzip");
            assertThat(html.headers().firstValue("content-encoding")).as("not a listed type").isEmpty();

            HttpResponse<byte[]> site = get(client, gh, "/page.html", "Accept-Encoding", "br");
            assertThat(site.headers().firstValue("content-encoding")).contains("br");
        }
    }

    @Test
    void staticFilesAreCompressedAndPrecompressedSiblingsServedWhenFresh() throws Exception {
        Path root = Files.createDirectories(dir.resolve("public"));
        Files.write(root.resolve("index.html"), PAGE);
        byte[] js = page(20 * 1024);
        Files.write(root.resolve("app.js"), js);
        byte[] jsBr = Tools.run("brotli", "brotli", null, "-q", "11", "-f", "-o", root.resolve("app.js.br").toString(),
                root.resolve("app.js").toString()).getBytes(StandardCharsets.UTF_8);
        assertThat(jsBr).isEmpty();
        Files.write(root.resolve("app.js.gz"), gzip(js));
        byte[] css = page(8 * 1024);
        Files.write(root.resolve("style.css"), css);
        Files.write(root.resolve("style.css.gz"), gzip("stale: the file changed after this was made".getBytes()));
        Files.setLastModifiedTime(root.resolve("style.css.gz"), FileTime.from(Instant.now().minusSeconds(3600)));
        try (TestGatehouse gh = TestGatehouse.startListening(LISTEN, """
                sites:
                  localhost:
                    compress: true
                    files: ./public
                """, dir)) {
            for (HttpClient.Version v : HttpsClients.BOTH) {
                HttpClient client = HttpsClients.client(gh, v);
                HttpResponse<byte[]> br = get(client, gh, "/app.js", "Accept-Encoding", "gzip, br");
                assertThat(br.headers().firstValue("content-encoding")).as(v + "").contains("br");
                assertThat(br.headers().firstValue("content-type")).hasValueSatisfying(t ->
                        assertThat(t).startsWith("text/javascript"));
                assertThat(br.headers().firstValue("vary")).contains("Accept-Encoding");
                assertThat(br.body()).as("the precompressed file itself")
                        .isEqualTo(Files.readAllBytes(root.resolve("app.js.br")));
                assertThat(decode("br", br.body())).isEqualTo(js);

                HttpResponse<byte[]> gz = get(client, gh, "/app.js", "Accept-Encoding", "gzip");
                assertThat(gz.body()).isEqualTo(Files.readAllBytes(root.resolve("app.js.gz")));
                assertThat(gz.headers().firstValue("content-length")).contains(String.valueOf(gz.body().length));

                HttpResponse<byte[]> zstd = get(client, gh, "/app.js", "Accept-Encoding", "zstd");
                assertThat(zstd.headers().firstValue("content-encoding")).as("no .zst: compressed on the fly")
                        .contains("zstd");
                assertThat(decode("zstd", zstd.body())).isEqualTo(js);

                HttpResponse<byte[]> stale = get(client, gh, "/style.css", "Accept-Encoding", "gzip");
                assertThat(stale.headers().firstValue("content-encoding")).contains("gzip");
                assertThat(decode("gzip", stale.body())).as("the stale sibling is not served").isEqualTo(css);

                HttpResponse<byte[]> index = get(client, gh, "/", "Accept-Encoding", "zstd");
                assertThat(index.headers().firstValue("content-encoding")).contains("zstd");
                assertThat(index.headers().firstValue("etag")).hasValueSatisfying(e -> assertThat(e).startsWith("W/\""));
                assertThat(decode("zstd", index.body())).isEqualTo(PAGE);

                HttpResponse<byte[]> range = get(client, gh, "/app.js", "Accept-Encoding", "br", "Range", "bytes=0-9");
                assertThat(range.statusCode()).isEqualTo(206);
                assertThat(range.headers().firstValue("content-encoding")).isEmpty();
                assertThat(range.body()).isEqualTo(java.util.Arrays.copyOf(js, 10));

                HttpResponse<byte[]> head = client.send(HttpRequest.newBuilder(HttpsClients.uri(gh, "/index.html"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Accept-Encoding", "zstd").build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(head.headers().firstValue("content-encoding")).as(v + " HEAD").isEmpty();
                assertThat(head.headers().firstValue("content-length")).contains(String.valueOf(PAGE.length));

                HttpResponse<byte[]> plain = get(client, gh, "/app.js");
                assertThat(plain.headers().firstValue("content-encoding")).isEmpty();
                assertThat(plain.body()).isEqualTo(js);
            }
        }
    }

    @Test
    void theCacheStoresTheBodyAsItIsAndEachClientGetsItsCoding() throws Exception {
        try (TestBackend app = TestBackend.start("app", CompressIT::answer);
             TestGatehouse gh = TestGatehouse.startListening(LISTEN, site("compress: true\n    cache: true", app),
                     dir)) {
            HttpClient client = HttpsClients.client(gh, HttpClient.Version.HTTP_2);
            HttpResponse<byte[]> first = get(client, gh, "/cached", "Accept-Encoding", "gzip");
            assertThat(first.headers().firstValue("content-encoding")).contains("gzip");
            assertThat(decode("gzip", first.body())).isEqualTo(PAGE);

            HttpResponse<byte[]> identity = get(client, gh, "/cached");
            assertThat(identity.headers().firstValue("cache-status")).hasValueSatisfying(s ->
                    assertThat(s).contains("hit"));
            assertThat(identity.headers().firstValue("content-encoding")).isEmpty();
            assertThat(identity.headers().firstValue("content-length")).contains(String.valueOf(PAGE.length));
            assertThat(identity.body()).isEqualTo(PAGE);

            HttpResponse<byte[]> br = get(client, gh, "/cached", "Accept-Encoding", "br");
            assertThat(br.headers().firstValue("cache-status")).hasValueSatisfying(s -> assertThat(s).contains("hit"));
            assertThat(br.headers().firstValue("content-encoding")).contains("br");
            assertThat(br.headers().firstValue("vary")).contains("Accept-Encoding");
            assertThat(decode("br", br.body())).isEqualTo(PAGE);
            assertThat(app.requestCount()).as("one request reached the backend").isEqualTo(1);
        }
    }

    // ---- the backend and helpers

    private static String site(String keys, TestBackend app) {
        return """
                sites:
                  localhost:
                    %s
                    upstream: app
                upstreams:
                  app: { targets: [%s] }
                """.formatted(keys, app.address());
    }

    static void answer(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        path = path.substring(path.lastIndexOf('/'));
        var h = ex.getResponseHeaders();
        switch (path) {
            case "/page.html", "/cached" -> {
                h.set("Content-Type", "text/html; charset=utf-8");
                h.set("ETag", "\"page-v1\"");
                if (path.equals("/cached")) {
                    h.set("Cache-Control", "max-age=60");
                }
                String inm = ex.getRequestHeaders().getFirst("If-None-Match");
                String range = ex.getRequestHeaders().getFirst("Range");
                if (inm != null && inm.replace("W/", "").equals("\"page-v1\"")) {
                    ex.sendResponseHeaders(304, -1);
                } else if (range != null && range.equals("bytes=100-199")) {
                    h.set("Content-Range", "bytes 100-199/" + PAGE.length);
                    send(ex, 206, java.util.Arrays.copyOfRange(PAGE, 100, 200), true);
                } else {
                    send(ex, 200, PAGE, true);
                }
            }
            case "/stream.json" -> {
                h.set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    byte[] body = json();
                    for (int i = 0; i < body.length; i += 700) {
                        out.write(body, i, Math.min(700, body.length - i));
                        out.flush();
                    }
                }
            }
            case "/small" -> {
                h.set("Content-Type", "text/plain");
                send(ex, 200, SMALL, true);
            }
            case "/small-chunked" -> {
                h.set("Content-Type", "text/plain");
                send(ex, 200, SMALL, false);
            }
            case "/image.png" -> {
                h.set("Content-Type", "image/png");
                send(ex, 200, PAGE, true);
            }
            case "/encoded" -> {
                h.set("Content-Type", "text/html");
                h.set("Content-Encoding", "gzip");
                send(ex, 200, gzip(PAGE), true);
            }
            case "/no-transform" -> {
                h.set("Content-Type", "text/html");
                h.set("Cache-Control", "public, no-transform");
                send(ex, 200, PAGE, true);
            }
            case "/empty" -> {
                ex.sendResponseHeaders(204, -1);
                ex.close();
            }
            default -> send(ex, 404, "not here".getBytes(StandardCharsets.UTF_8), true);
        }
    }

    private static void send(HttpExchange ex, int status, byte[] body, boolean withLength) throws IOException {
        ex.sendResponseHeaders(status, withLength ? body.length : 0);
        try (OutputStream out = ex.getResponseBody()) {
            if (!ex.getRequestMethod().equals("HEAD")) {
                out.write(body);
            }
        }
    }

    private static String coding(HttpClient client, TestGatehouse gh, String acceptEncoding) throws Exception {
        HttpResponse<byte[]> r = get(client, gh, "/page.html", "Accept-Encoding", acceptEncoding);
        String coding = r.headers().firstValue("content-encoding").orElse("identity");
        assertThat(decode(coding, r.body())).as(acceptEncoding).isEqualTo(PAGE);
        return coding;
    }

    static HttpResponse<byte[]> get(HttpClient client, TestGatehouse gh, String path, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(HttpsClients.uri(gh, path)).timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.version()).isEqualTo(client.version());
        return r;
    }

    /** Decodes with the coding's own command-line program: zstd, brotli, gzip (identity: as it is). */
    static byte[] decode(String coding, byte[] body) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        switch (coding) {
            case "identity" -> {
                return body;
            }
            case "zstd" -> command.addAll(List.of(Tools.find("zstd", "zstd"), "-d", "-c", "-q"));
            case "br" -> command.addAll(List.of(Tools.find("brotli", "brotli"), "-d", "-c"));
            case "gzip" -> command.addAll(List.of(Tools.find("gzip", "gzip"), "-d", "-c"));
            default -> throw new AssertionError("no decoder for " + coding);
        }
        Path in = Files.createTempFile("coded", ".bin");
        try {
            Files.write(in, body);
            command.add(in.toString());
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish");
            }
            assertThat(p.exitValue()).as(command + " exit code").isZero();
            return out;
        } finally {
            Files.deleteIfExists(in);
        }
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    /** An HTML page of {@code size} bytes, varied enough that compression has work to do. */
    static byte[] page(int size) {
        StringBuilder b = new StringBuilder("<!doctype html>\n<html><head><title>Orders</title></head><body><table>\n");
        long x = 42;
        for (int row = 0; b.length() < size; row++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            b.append("<tr class=\"r").append(row % 7).append("\"><td>").append(row).append("</td><td>customer-")
                    .append(Long.toHexString(x >>> 40)).append("</td><td>").append((x >>> 20) % 100000 / 100.0)
                    .append(" EUR</td></tr>\n");
        }
        b.setLength(size);
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] json() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 400; i++) {
            b.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"name\":\"item ").append(i * 7919 % 1000)
                    .append("\",\"tags\":[\"a\",\"b\"]}\n");
        }
        return b.append("]").toString().getBytes(StandardCharsets.UTF_8);
    }
}
