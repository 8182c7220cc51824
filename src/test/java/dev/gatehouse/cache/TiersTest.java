package dev.gatehouse.cache;

import static dev.gatehouse.cache.Fields.NOW;
import static dev.gatehouse.cache.Fields.of;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.config.CacheRule;
import dev.gatehouse.config.CacheStorage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The memory and disk tiers, the purge index and the URL-level operations of {@link ResponseCache}. */
class TiersTest {
    private final ExecutorService io = Executors.newSingleThreadExecutor();
    private final List<ResponseCache> caches = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws InterruptedException {
        caches.forEach(ResponseCache::close);
        io.shutdown();
        assertThat(io.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private ResponseCache cache(long memory, Optional<CacheStorage.Disk> disk) throws IOException {
        ResponseCache c = new ResponseCache(new CacheStorage(memory, disk, 1 << 20), io, new SimpleMeterRegistry());
        c.start();
        caches.add(c);
        return c;
    }

    private static StoredResponse response(String url, String body, HttpHeaders request, String... fields) {
        HttpHeaders h = of(fields);
        ByteBuf content = Unpooled.directBuffer().writeBytes(body.getBytes(StandardCharsets.UTF_8));
        return StoredResponse.of("a.test", url, 200, "OK", h, VaryKey.of(h, request), NOW, NOW, CacheRule.DEFAULTS,
                new Body.Memory(content));
    }

    /** Stores and drops the caller's reference, as the cache stage does. */
    private static void store(ResponseCache c, StoredResponse r) {
        c.store(r);
        r.body.release();
    }

    private void drain() throws Exception {
        io.submit(() -> { }).get(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("memory tier: bounded in bytes under a stream of distinct URLs, evicted bodies freed")
    void memoryBound() throws Exception {
        ResponseCache c = cache(256 * 1024, Optional.empty());
        List<ByteBuf> bodies = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            StoredResponse r = response("http://a.test/" + i, "x".repeat(1000), of(), "Cache-Control", "max-age=60");
            bodies.add(((Body.Memory) r.body).content());
            store(c, r);
        }
        c.memory().cleanUp();
        assertThat(c.memory().bytes()).isLessThanOrEqualTo(256 * 1024);
        assertThat(c.memory().evictions()).isGreaterThan(1500);
        long freed = bodies.stream().filter(b -> b.refCnt() == 0).count();
        assertThat(freed).isEqualTo(2000 - c.memory().entries());
    }

    @Test
    @DisplayName("Vary: variants of one URL are kept side by side, the same selection replaced")
    void variants() throws Exception {
        ResponseCache c = cache(1 << 20, Optional.empty());
        store(c, response("http://a.test/v", "one", of("Foo", "1"), "Cache-Control", "max-age=60", "Vary", "Foo"));
        store(c, response("http://a.test/v", "two", of("Foo", "2"), "Cache-Control", "max-age=60", "Vary", "Foo"));
        store(c, response("http://a.test/v", "one!", of("Foo", "1"), "Cache-Control", "max-age=60", "Vary", "Foo"));
        List<StoredResponse> rs = c.lookup("http://a.test/v", of("Foo", "1"));
        assertThat(rs).hasSize(2);
        assertThat(((Body.Memory) rs.get(0).body).content().toString(StandardCharsets.UTF_8)).isEqualTo("one!");
    }

    @Test
    @DisplayName("purge by URL (both schemes), by tag and by prefix")
    void purges() throws Exception {
        ResponseCache c = cache(1 << 20, Optional.empty());
        store(c, response("http://a.test/p/1", "1", of(), "Cache-Control", "max-age=60", "Surrogate-Key", "red"));
        store(c, response("https://a.test/p/1", "1", of(), "Cache-Control", "max-age=60"));
        store(c, response("http://a.test/p/2", "2", of(), "Cache-Control", "max-age=60", "Cache-Tag", "red,blue"));
        store(c, response("http://a.test/q/3", "3", of(), "Cache-Control", "max-age=60", "Cache-Tag", "blue"));
        store(c, response("http://b.test/p/4", "4", of(), "Cache-Control", "max-age=60"));
        assertThat(c.purgeUrl("http://a.test/p/1")).isEqualTo(2);
        assertThat(c.lookup("https://a.test/p/1", of())).isEmpty();
        assertThat(c.purgeTag("blue")).isEqualTo(2);
        assertThat(c.lookup("http://a.test/q/3", of())).isEmpty();
        assertThat(c.purgeTag("red")).isZero();
        assertThat(c.purgePrefix("http://b.test/")).isEqualTo(1);
        assertThat(c.indexedUrls()).isZero();
    }

    @Test
    @DisplayName("disk tier: what is stored is read back after a restart, bodies and fields intact")
    void diskRestart() throws Exception {
        Optional<CacheStorage.Disk> disk = Optional.of(new CacheStorage.Disk(dir, 1 << 30));
        ResponseCache first = cache(1 << 20, disk);
        store(first, response("http://a.test/d", "on disk", of("Foo", "1"), "Cache-Control", "max-age=60",
                "Vary", "Foo", "Surrogate-Key", "t1", "X-Kept", "yes"));
        drain();
        ResponseCache second = cache(1 << 20, disk);
        List<StoredResponse> rs = second.lookup("http://a.test/d", of("Foo", "1"));
        assertThat(rs).hasSize(1);
        StoredResponse r = rs.get(0);
        assertThat(r.body).isInstanceOf(Body.File.class);
        Body.File f = (Body.File) r.body;
        byte[] all = Files.readAllBytes(f.path());
        assertThat(new String(all, (int) f.offset(), (int) f.length(), StandardCharsets.UTF_8)).isEqualTo("on disk");
        assertThat(r.headers.get("x-kept")).isEqualTo("yes");
        assertThat(r.vary.matches(of("Foo", "1"))).isTrue();
        assertThat(r.vary.matches(of("Foo", "2"))).isFalse();
        assertThat(r.fresh(NOW + 1000)).isTrue();
        assertThat(second.purgeTag("t1")).isEqualTo(1);
        drain();
        assertThat(Files.exists(f.path())).isFalse();
    }

    @Test
    @DisplayName("disk tier: a partial file and leftovers of an interrupted write are never read back")
    void diskCrashLeftovers() throws Exception {
        Optional<CacheStorage.Disk> disk = Optional.of(new CacheStorage.Disk(dir, 1 << 30));
        ResponseCache first = cache(1 << 20, disk);
        store(first, response("http://a.test/whole", "x".repeat(5000), of(), "Cache-Control", "max-age=60"));
        store(first, response("http://a.test/cut", "y".repeat(5000), of(), "Cache-Control", "max-age=60"));
        drain();
        Path cut = ((Body.File) first.disk().orElseThrow().peek("http://a.test/cut").get(0).body).path();
        byte[] bytes = Files.readAllBytes(cut);
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        Path leftover = dir.resolve("tmp").resolve("abc.tmp");
        Files.write(leftover, bytes);
        ResponseCache second = cache(1 << 20, disk);
        assertThat(second.lookup("http://a.test/whole", of())).hasSize(1);
        assertThat(second.lookup("http://a.test/cut", of())).isEmpty();
        assertThat(Files.exists(cut)).isFalse();
        assertThat(Files.exists(leftover)).isFalse();
    }

    @Test
    @DisplayName("disk tier: bounded in bytes, least used URLs and their files go first")
    void diskBound() throws Exception {
        ResponseCache c = cache(64 * 1024, Optional.of(new CacheStorage.Disk(dir, 200 * 1024)));
        for (int i = 0; i < 100; i++) {
            store(c, response("http://a.test/" + i, "z".repeat(10_000), of(), "Cache-Control", "max-age=60"));
        }
        drain();
        c.disk().orElseThrow().cleanUp();
        drain();
        assertThat(c.disk().orElseThrow().bytes()).isLessThanOrEqualTo(200 * 1024);
        long files;
        try (var s = Files.walk(dir.resolve("objects"))) {
            files = s.filter(Files::isRegularFile).count();
        }
        assertThat(files).isEqualTo(c.disk().orElseThrow().entries());
    }
}
