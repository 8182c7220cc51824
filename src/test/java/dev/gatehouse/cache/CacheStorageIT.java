package dev.gatehouse.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.cache.Origin.Answer;
import dev.gatehouse.testing.GatehouseProcess;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The cache's tiers end to end: the memory bound, the disk tier across a restart and a kill -9, HTTP/2 clients. */
@Timeout(180)
class CacheStorageIT {
    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<byte[]> get(java.net.URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).header("Host", "localhost").timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String status(HttpResponse<?> r) {
        return r.headers().firstValue("cache-status").orElse("");
    }

    private static byte[] body(int n, int size) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) ('a' + n % 26));
        return b;
    }

    @Test
    @DisplayName("the memory tier stays within its bound under a stream of distinct URLs")
    void memoryBound() throws Exception {
        try (Origin origin = new Origin()) {
            origin.fallback(r -> Answer.of(200, "", "Cache-Control", "max-age=600").body(body(7, 20_000)));
            try (TestGatehouse gh = TestGatehouse.start("""
                    cache: { memory: 1mb }
                    sites:
                      localhost: { cache: true, upstream: origin }
                    upstreams:
                      origin: { targets: [%s] }
                    """.formatted(origin.address()), dir)) {
                for (int i = 0; i < 400; i++) {
                    assertThat(get(gh.uri("/k/" + i)).body()).hasSize(20_000);
                }
                ResponseCache cache = gh.server().cache();
                cache.memory().cleanUp();
                assertThat(cache.memory().bytes()).isLessThanOrEqualTo(1 << 20);
                assertThat(cache.memory().evictions()).isGreaterThan(300);
                assertThat(gh.server().metrics().scrape())
                        .contains("gatehouse_cache_evictions_total{site=\"localhost\",tier=\"memory\"}")
                        .contains("gatehouse_cache_requests_total{result=\"miss\",site=\"localhost\"} 400.0");
            }
        }
    }

    @Test
    @DisplayName("the disk tier answers after a restart without asking the origin")
    void diskAcrossRestart() throws Exception {
        try (Origin origin = new Origin()) {
            origin.on("/d", Answer.of(200, "", "Cache-Control", "max-age=600", "ETag", "\"d\"").body(body(3, 100_000)));
            String yaml = """
                    cache: { disk: { path: ./cache, max_size: 64mb } }
                    sites:
                      localhost: { cache: true, upstream: origin }
                    upstreams:
                      origin: { targets: [%s] }
                    """.formatted(origin.address());
            try (TestGatehouse gh = TestGatehouse.start(yaml, dir)) {
                assertThat(get(gh.uri("/d")).body()).isEqualTo(body(3, 100_000));
                awaitFiles(dir.resolve("cache/objects"), 1);
            }
            try (TestGatehouse gh = TestGatehouse.start(yaml, dir)) {
                HttpResponse<byte[]> r = get(gh.uri("/d"));
                assertThat(r.body()).isEqualTo(body(3, 100_000));
                assertThat(status(r)).startsWith("gatehouse; hit");
                assertThat(r.headers().firstValue("etag")).contains("\"d\"");
                HttpResponse<byte[]> range = client.send(HttpRequest.newBuilder(gh.uri("/d"))
                        .header("Host", "localhost").header("Range", "bytes=10-19").build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(range.statusCode()).isEqualTo(206);
                assertThat(range.body()).isEqualTo(Arrays.copyOfRange(body(3, 100_000), 10, 20));
            }
            assertThat(origin.count("/d")).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("kill -9 while responses are being stored: after a restart every readable object is whole")
    void killMidWrite() throws Exception {
        Path cacheDir = dir.resolve("cache");
        try (Origin origin = new Origin()) {
            origin.fallback(r -> {
                int n = Integer.parseInt(r.uri().substring(5));
                return Answer.of(200, "", "Cache-Control", "max-age=600").body(body(n, 3_000_000));
            });
            String yaml = """
                    cache: { memory: 16mb, max_object: 4mb, disk: { path: %s, max_size: 1gb } }
                    sites:
                      localhost: { cache: true, upstream: origin }
                    upstreams:
                      origin: { targets: [%s] }
                    """.formatted(cacheDir, origin.address());
            try (GatehouseProcess gh = GatehouseProcess.start(yaml)) {
                Thread load = new Thread(() -> {
                    for (int i = 0; i < 60; i++) {
                        try {
                            get(gh.uri("/big/" + i));
                        } catch (Exception e) {
                            return; // killed
                        }
                    }
                });
                load.start();
                awaitFiles(cacheDir.resolve("objects"), 3);
                gh.process().destroyForcibly(); // SIGKILL, mid-stream and mid-write
                gh.process().waitFor(10, TimeUnit.SECONDS);
                load.join(30_000);
            }
            // A write the kill interrupted, as it would be left: a partial file aside and a cut object.
            Files.write(cacheDir.resolve("tmp/interrupted.tmp"), body(1, 1000));
            int before = origin.count("/big/0") + origin.count("/big/1");
            try (GatehouseProcess gh = GatehouseProcess.start(yaml)) {
                int hits = 0;
                for (int i = 0; i < 60; i++) {
                    HttpResponse<byte[]> r = get(gh.uri("/big/" + i));
                    assertThat(r.body()).as("/big/" + i).isEqualTo(body(i, 3_000_000));
                    hits += status(r).startsWith("gatehouse; hit") ? 1 : 0;
                }
                assertThat(hits).isGreaterThanOrEqualTo(3);
                try (Stream<Path> tmp = Files.list(cacheDir.resolve("tmp"))) {
                    assertThat(tmp.filter(p -> p.toString().endsWith("interrupted.tmp")).toList()).isEmpty();
                }
            }
            assertThat(before).isPositive();
        }
    }

    @Test
    @DisplayName("HTTP/2 clients get hits, Age and Cache-Status like HTTP/1.1 ones")
    void http2() throws Exception {
        try (Origin origin = new Origin()) {
            origin.on("/h2", Answer.of(200, "over h2", "Cache-Control", "max-age=600"));
            try (TestGatehouse gh = TestGatehouse.startListening("{ http: 0, https: off, address: 127.0.0.1, h2c: true }",
                    """
                    sites:
                      localhost: { cache: true, upstream: origin }
                    upstreams:
                      origin: { targets: [%s] }
                    """.formatted(origin.address()), dir)) {
                for (int i = 0; i < 3; i++) {
                    Process curl = new ProcessBuilder("curl", "-s", "-i", "--http2-prior-knowledge",
                            "http://localhost:" + gh.port() + "/h2").redirectErrorStream(true).start();
                    String out = new String(curl.getInputStream().readAllBytes());
                    assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
                    assertThat(out).startsWith("HTTP/2 200").contains("over h2");
                    if (i > 0) {
                        assertThat(out).contains("cache-status: gatehouse; hit").contains("age: ");
                    }
                }
                assertThat(origin.count("/h2")).isEqualTo(1);
            }
        }
    }

    private static void awaitFiles(Path objects, int atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(objects)) {
                try (Stream<Path> s = Files.walk(objects)) {
                    if (s.filter(Files::isRegularFile).count() >= atLeast) {
                        return;
                    }
                }
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new AssertionError("fewer than " + atLeast + " stored files in " + objects);
    }

}
