package dev.gatehouse.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.cache.Origin.Answer;
import dev.gatehouse.testing.TestGatehouse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache end to end: a real Gatehouse in front of a real origin on loopback that counts what reaches it, one rule
 * of RFC 9111 (and RFC 5861, RFC 9211) per test.
 */
@Timeout(120)
class CacheIT {
    @TempDir
    Path dir;

    private Origin origin;
    private TestGatehouse gh;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        origin = new Origin();
        gh = TestGatehouse.start("""
                admin: { listen: "127.0.0.1:0" }
                sites:
                  localhost:
                    cache: { stale_if_error: 0s, stale_if_unreachable: 0s }
                    upstream: origin
                  down.test:
                    cache: true
                    upstream: origin
                  strip.test:
                    cache: { set_cookie: strip }
                    upstream: origin
                  store.test:
                    cache: { set_cookie: store }
                    upstream: origin
                  swr.test:
                    cache: { stale_while_revalidate: 60s }
                    upstream: origin
                  sie.test:
                    cache: { stale_if_error: 60s }
                    upstream: origin
                  off.test:
                    upstream: origin
                upstreams:
                  origin: { targets: [%s] }
                """.formatted(origin.address()), dir);
    }

    @AfterEach
    void stop() {
        gh.close();
        origin.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        return send("GET", "localhost", path, headers);
    }

    private HttpResponse<String> send(String method, String host, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gh.uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, method.equals("POST") || method.equals("PUT")
                        ? HttpRequest.BodyPublishers.ofString("abc") : HttpRequest.BodyPublishers.noBody())
                .header("Host", host);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String status(HttpResponse<?> r) {
        return r.headers().firstValue("cache-status").orElse("");
    }

    @Test
    @DisplayName("§4.2: a fresh response is answered from the cache with Age and Cache-Status; the origin sees one")
    void freshHit() throws Exception {
        origin.on("/a", Answer.of(200, "A", "Cache-Control", "max-age=60", "Content-Type", "text/x"));
        HttpResponse<String> first = get("/a");
        assertThat(first.body()).isEqualTo("A");
        assertThat(status(first)).isEqualTo("gatehouse; fwd=miss; fwd-status=200; stored");
        HttpResponse<String> second = get("/a");
        assertThat(second.body()).isEqualTo("A");
        assertThat(status(second)).startsWith("gatehouse; hit; ttl=");
        assertThat(second.headers().firstValue("age")).isPresent();
        assertThat(second.headers().firstValue("content-type")).contains("text/x");
        assertThat(origin.count("/a")).isEqualTo(1);
    }

    @Test
    @DisplayName("§3: no-store, private, Authorization and Set-Cookie responses are not shared")
    void notStored() throws Exception {
        origin.on("/ns", Answer.of(200, "x", "Cache-Control", "max-age=60, no-store"))
                .on("/pr", Answer.of(200, "x", "Cache-Control", "private, max-age=60"))
                .on("/auth", Answer.of(200, "x", "Cache-Control", "max-age=60"))
                .on("/pub", Answer.of(200, "x", "Cache-Control", "public, max-age=60"))
                .on("/cookie", Answer.of(200, "x", "Cache-Control", "max-age=60", "Set-Cookie", "s=1"));
        for (String p : List.of("/ns", "/pr", "/cookie")) {
            get(p);
            assertThat(status(get(p))).as(p).contains("fwd=miss");
            assertThat(origin.count(p)).as(p).isEqualTo(2);
        }
        get("/auth", "Authorization", "Basic eDp5");
        get("/auth", "Authorization", "Basic eDp5");
        assertThat(origin.count("/auth")).isEqualTo(2);
        get("/pub", "Authorization", "Basic eDp5");
        assertThat(status(get("/pub", "Authorization", "Basic eDp5"))).contains("hit");
        assertThat(origin.count("/pub")).isEqualTo(1);
        assertThat(status(send("GET", "off.test", "/a"))).isEmpty();
    }

    @Test
    @DisplayName("set_cookie: bypass is not stored, strip is stored without the cookie, store keeps it")
    void setCookieModes() throws Exception {
        origin.on("/sc", Answer.of(200, "x", "Cache-Control", "max-age=60", "Set-Cookie", "s=1"));
        for (String host : List.of("localhost", "strip.test", "store.test")) {
            assertThat(send("GET", host, "/sc").headers().allValues("set-cookie")).as(host).containsExactly("s=1");
        }
        HttpResponse<String> bypass = send("GET", "localhost", "/sc");
        assertThat(status(bypass)).contains("fwd=miss").contains("detail=set-cookie");
        HttpResponse<String> stripped = send("GET", "strip.test", "/sc");
        assertThat(status(stripped)).startsWith("gatehouse; hit");
        assertThat(stripped.headers().allValues("set-cookie")).isEmpty();
        HttpResponse<String> stored = send("GET", "store.test", "/sc");
        assertThat(status(stored)).startsWith("gatehouse; hit");
        assertThat(stored.headers().allValues("set-cookie")).containsExactly("s=1");
        assertThat(origin.count("/sc")).isEqualTo(4);
    }

    @Test
    @DisplayName("§3.2: a 304 that sets a cookie gives it to its own client, never to the stored response (bypass)")
    void notModifiedWithCookie() throws Exception {
        for (String path : List.of("/nm", "/nm2")) {
            origin.sequence(path, Answer.of(200, "body", "Cache-Control", "max-age=1", "ETag", "\"v\""),
                    Answer.of(304, "", "Cache-Control", "max-age=60", "ETag", "\"v\"", "Set-Cookie", "s=2"));
        }
        assertThat(get("/nm").headers().allValues("set-cookie")).isEmpty();
        assertThat(send("GET", "store.test", "/nm2").headers().allValues("set-cookie")).isEmpty();
        TimeUnit.MILLISECONDS.sleep(1500);
        HttpResponse<String> revalidated = get("/nm");
        assertThat(status(revalidated)).startsWith("gatehouse; fwd=stale; fwd-status=304");
        assertThat(revalidated.body()).isEqualTo("body");
        assertThat(revalidated.headers().allValues("set-cookie")).containsExactly("s=2");
        HttpResponse<String> hit = get("/nm");
        assertThat(status(hit)).startsWith("gatehouse; hit");
        assertThat(hit.headers().allValues("set-cookie")).isEmpty();
        HttpResponse<String> kept = send("GET", "store.test", "/nm2");
        assertThat(kept.headers().allValues("set-cookie")).as("set_cookie: store, once").containsExactly("s=2");
        assertThat(send("GET", "store.test", "/nm2").headers().allValues("set-cookie")).containsExactly("s=2");
    }

    @Test
    @DisplayName("§4.3: no-cache and stale responses are revalidated; a 304 updates the stored fields")
    void revalidation() throws Exception {
        origin.sequence("/r",
                Answer.of(200, "body", "Cache-Control", "no-cache", "ETag", "\"v1\"", "Test-Header", "A"),
                Answer.of(304, "", "ETag", "\"v1\"", "Test-Header", "B", "Cache-Control", "max-age=60"));
        assertThat(get("/r").body()).isEqualTo("body");
        HttpResponse<String> second = get("/r");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).isEqualTo("body");
        assertThat(second.headers().firstValue("test-header")).contains("B");
        assertThat(status(second)).startsWith("gatehouse; fwd=stale; fwd-status=304");
        assertThat(origin.requests("/r").get(1).header("If-None-Match")).isEqualTo("\"v1\"");
        HttpResponse<String> third = get("/r");
        assertThat(third.headers().firstValue("test-header")).contains("B");
        assertThat(status(third)).startsWith("gatehouse; hit");
        assertThat(origin.count("/r")).isEqualTo(2);
    }

    @Test
    @DisplayName("§4.1: Vary selects by request fields, normalised")
    void vary() throws Exception {
        origin.on("/v", r -> Answer.of(200, "foo=" + r.header("Foo"), "Cache-Control", "max-age=60", "Vary", "Foo"));
        assertThat(get("/v", "Foo", "1").body()).isEqualTo("foo=1");
        assertThat(get("/v", "Foo", "2").body()).isEqualTo("foo=2");
        assertThat(get("/v", "Foo", "1").body()).isEqualTo("foo=1");
        assertThat(get("/v", "Foo", "2").body()).isEqualTo("foo=2");
        assertThat(origin.count("/v")).isEqualTo(2);
        assertThat(status(get("/v"))).contains("fwd=vary-miss");
    }

    @Test
    @DisplayName("HEAD, Range and client conditionals are answered from a stored GET")
    void fromStoredGet() throws Exception {
        origin.on("/g", Answer.of(200, "0123456789", "Cache-Control", "max-age=60", "ETag", "\"e\""));
        get("/g");
        HttpResponse<String> head = send("HEAD", "localhost", "/g");
        assertThat(head.headers().firstValue("content-length")).contains("10");
        HttpResponse<String> range = get("/g", "Range", "bytes=2-4");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo("234");
        assertThat(range.headers().firstValue("content-range")).contains("bytes 2-4/10");
        HttpResponse<String> conditional = get("/g", "If-None-Match", "\"e\"");
        assertThat(conditional.statusCode()).isEqualTo(304);
        assertThat(conditional.headers().firstValue("etag")).contains("\"e\"");
        assertThat(origin.count("/g")).isEqualTo(1);
        assertThat(origin.requests("/g").get(0).method()).isEqualTo("GET");
    }

    @Test
    @DisplayName("§4.4: a successful unsafe request invalidates the URL, its Location and Content-Location")
    void invalidation() throws Exception {
        origin.on("/i", Answer.of(200, "i", "Cache-Control", "max-age=60"))
                .on("/loc", Answer.of(200, "l", "Cache-Control", "max-age=60"))
                .on("/post", r -> r.method().equals("POST") ? Answer.of(201, "", "Location", "/loc")
                        : Answer.of(200, "p", "Cache-Control", "max-age=60"));
        get("/i");
        get("/loc");
        send("POST", "localhost", "/i");
        assertThat(status(get("/i"))).contains("fwd=miss");
        send("POST", "localhost", "/post");
        assertThat(status(get("/loc"))).contains("fwd=miss");
        assertThat(origin.count("/loc")).isEqualTo(2);
    }

    @Test
    @DisplayName("RFC 5861 §3: stale-while-revalidate answers at once and refreshes once in the background")
    void staleWhileRevalidate() throws Exception {
        origin.sequence("/swr", Answer.of(200, "old", "Cache-Control", "max-age=1"),
                Answer.of(200, "new", "Cache-Control", "max-age=60").delayed(300));
        assertThat(send("GET", "swr.test", "/swr").body()).isEqualTo("old");
        TimeUnit.MILLISECONDS.sleep(1500);
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> stale = send("GET", "swr.test", "/swr");
            assertThat(stale.body()).isEqualTo("old");
            assertThat(status(stale)).contains("hit").contains("detail=stale-while-revalidate");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!send("GET", "swr.test", "/swr").body().equals("new") && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        assertThat(send("GET", "swr.test", "/swr").body()).isEqualTo("new");
        assertThat(origin.count("/swr")).isEqualTo(2);
    }

    @Test
    @DisplayName("RFC 5861 §4: stale-if-error answers with the stored response when the origin is stopped")
    void staleIfError() throws Exception {
        origin.on("/sie", Answer.of(200, "kept", "Cache-Control", "max-age=1"));
        assertThat(send("GET", "sie.test", "/sie").body()).isEqualTo("kept");
        origin.close();
        TimeUnit.MILLISECONDS.sleep(1500);
        HttpResponse<String> r = send("GET", "sie.test", "/sie");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("kept");
        assertThat(status(r)).contains("fwd=stale;").doesNotContain("fwd-status").contains("detail=stale-if-error");
        HttpResponse<String> strict = get("/sie");
        assertThat(strict.statusCode()).isEqualTo(502);
    }

    @Test
    @DisplayName("RFC 9111 §4.2.4: an origin that cannot be reached is answered stale by default, unless forbidden")
    void staleWhileUnreachable() throws Exception {
        origin.on("/down", Answer.of(200, "kept", "Cache-Control", "max-age=1"))
                .on("/strict", Answer.of(200, "strict", "Cache-Control", "max-age=1, must-revalidate"))
                .on("/nc", Answer.of(200, "nc", "Cache-Control", "max-age=1, no-cache"))
                .on("/err", r -> Answer.of(200, "ok", "Cache-Control", "max-age=1"));
        for (String p : List.of("/down", "/strict", "/nc", "/err")) {
            assertThat(send("GET", "down.test", p).statusCode()).isEqualTo(200);
        }
        TimeUnit.MILLISECONDS.sleep(1500);
        origin.on("/err", Answer.of(500, "broken"));
        HttpResponse<String> error = send("GET", "down.test", "/err");
        assertThat(error.statusCode()).as("an origin that answers 500 is not unreachable").isEqualTo(500);
        origin.close();
        HttpResponse<String> r = send("GET", "down.test", "/down");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("kept");
        assertThat(status(r)).contains("fwd=stale;").contains("detail=origin-unreachable");
        assertThat(send("GET", "down.test", "/strict").statusCode()).isEqualTo(502);
        assertThat(send("GET", "down.test", "/nc").statusCode()).isEqualTo(502);
    }

    @Test
    @DisplayName("coalescing: 100 concurrent misses for one URL reach the origin once")
    void coalescing() throws Exception {
        byte[] body = new byte[200_000];
        java.util.Arrays.fill(body, (byte) 'c');
        origin.on("/c", Answer.of(200, "", "Cache-Control", "max-age=60").body(body).delayed(500));
        HttpClient h2less = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            all.add(h2less.sendAsync(HttpRequest.newBuilder(gh.uri("/c")).header("Host", "localhost").build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        int collapsed = 0;
        for (CompletableFuture<HttpResponse<String>> f : all) {
            HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).hasSize(200_000);
            collapsed += status(r).contains("collapsed") || status(r).contains("hit") ? 1 : 0;
        }
        assertThat(origin.count("/c")).isEqualTo(1);
        assertThat(collapsed).isEqualTo(99);
    }

    @Test
    @DisplayName("purge by URL, tag and prefix through the admin API")
    void purge() throws Exception {
        origin.on("/p/1", Answer.of(200, "1", "Cache-Control", "max-age=60", "Surrogate-Key", "red"))
                .on("/p/2", Answer.of(200, "2", "Cache-Control", "max-age=60", "Cache-Tag", "blue"))
                .on("/q/3", Answer.of(200, "3", "Cache-Control", "max-age=60"));
        for (String p : List.of("/p/1", "/p/2", "/q/3")) {
            get(p);
        }
        assertThat(purge("{\"url\": \"http://localhost/q/3\"}")).isEqualTo("{\"purged\":1}");
        assertThat(purge("{\"tag\": \"red\"}")).isEqualTo("{\"purged\":1}");
        assertThat(purge("{\"prefix\": \"http://localhost/p/\"}")).isEqualTo("{\"purged\":1}");
        for (String p : List.of("/p/1", "/p/2", "/q/3")) {
            assertThat(status(get(p))).as(p).contains("fwd=miss");
        }
    }

    private String purge(String json) throws Exception {
        int port = gh.server().adminPort();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/cache/purge")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}
