package dev.gatehouse.stages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.cache.CacheStage;
import dev.gatehouse.cache.ResponseCache;
import dev.gatehouse.config.CacheRule;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The cache stage in a chain on real HTTP/1.1 bytes: what the action sees and what the client reads. */
class CacheStageTest {
    private final ResponseCache cache = StageHarness.cache();
    private final Stage stage = CacheStage.of(CacheRule.DEFAULTS, cache).map(c -> (Stage) c::begin).orElseThrow();
    private final AtomicInteger calls = new AtomicInteger();

    /** An origin stand-in: counts its calls and answers with {@code cacheControl}. */
    private Handler origin(String cacheControl) {
        return exchange -> {
            calls.incrementAndGet();
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer("body " + calls.get(), StandardCharsets.UTF_8));
            r.headers().set("cache-control", cacheControl).set("etag", "\"e\"");
            exchange.respond(r);
            return RequestFlow.DISCARD_BODY;
        };
    }

    @AfterEach
    void releaseStored() {
        cache.close(); // frees the stored bodies (the leak watch would see them collected unreleased)
    }

    private StageHarness.Result send(Handler action, String request) {
        try (StageHarness h = StageHarness.of(stage).action(action)) {
            return h.send(request);
        }
    }

    @Test
    @DisplayName("a stored fresh response answers without the action; HEAD and conditionals from it too")
    void hitWithoutTheAction() {
        Handler action = origin("max-age=60");
        StageHarness.Result miss = send(action, "GET /x HTTP/1.1\r\nHost: a.test\r\n\r\n");
        assertThat(miss.body()).isEqualTo("body 1");
        assertThat(miss.headers().get("cache-status")).isEqualTo("gatehouse; fwd=miss; fwd-status=200; stored");
        StageHarness.Result hit = send(action, "GET /x HTTP/1.1\r\nHost: a.test\r\n\r\n");
        assertThat(hit.body()).isEqualTo("body 1");
        assertThat(hit.headers().get("cache-status")).startsWith("gatehouse; hit; ttl=");
        assertThat(hit.headers().get("age")).isEqualTo("0");
        StageHarness.Result head = send(action, "HEAD /x HTTP/1.1\r\nHost: a.test\r\n\r\n");
        assertThat(head.headers().get("content-length")).isEqualTo("6");
        StageHarness.Result notModified = send(action, "GET /x HTTP/1.1\r\nHost: a.test\r\nIf-None-Match: \"e\"\r\n\r\n");
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(calls).hasValue(1);
    }

    @Test
    @DisplayName("a successful POST invalidates the URL; other hosts and schemes are other keys")
    void invalidation() {
        Handler action = origin("max-age=60");
        send(action, "GET /y HTTP/1.1\r\nHost: a.test\r\n\r\n");
        StageHarness.Result post = send(action, "POST /y HTTP/1.1\r\nHost: a.test\r\nContent-Length: 0\r\n\r\n");
        assertThat(post.headers().get("cache-status")).isEqualTo("gatehouse; fwd=method; fwd-status=200");
        assertThat(send(action, "GET /y HTTP/1.1\r\nHost: a.test\r\n\r\n").body()).isEqualTo("body 3");
        assertThat(send(action, "GET /y HTTP/1.1\r\nHost: b.test\r\n\r\n").body()).isEqualTo("body 4");
        assertThat(calls).hasValue(4);
    }

    @Test
    @DisplayName("no-store is relayed and not stored; Cache-Status says why")
    void notStored() {
        Handler action = origin("no-store");
        StageHarness.Result first = send(action, "GET /z HTTP/1.1\r\nHost: a.test\r\n\r\n");
        assertThat(first.headers().get("cache-status")).isEqualTo("gatehouse; fwd=miss; fwd-status=200; detail=no-store");
        send(action, "GET /z HTTP/1.1\r\nHost: a.test\r\n\r\n");
        assertThat(calls).hasValue(2);
    }
}
