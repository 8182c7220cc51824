package dev.gatehouse.cache;

import static dev.gatehouse.cache.Fields.NOW;
import static dev.gatehouse.cache.Fields.date;
import static dev.gatehouse.cache.Fields.stored;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.config.CacheRule;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RFC 9111 §4 (constructing responses), §4.3.2 (client conditionals), §5.1 (Age); RFC 9110 §14 (ranges). */
class AnswerTest {
    private static final CacheRule RULE = CacheRule.DEFAULTS;

    private static HttpRequest get(HttpMethod method, String... fields) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, "/x");
        for (int i = 0; i < fields.length; i += 2) {
            r.headers().add(fields[i], fields[i + 1]);
        }
        return r;
    }

    @Test
    @DisplayName("§4, §5.1: stored fields, Date untouched, a new Age, Content-Length, Cache-Status appended")
    void hit() {
        StoredResponse r = stored(RULE, "Cache-Control", "max-age=60", "Date", date(0), "Cache-Status", "up; hit");
        Answer a = Answer.of(r, get(HttpMethod.GET), NOW + 3_500, CacheStatus.hit().ttl(r.ttl(NOW + 3_500)));
        assertThat(a.head().status().code()).isEqualTo(200);
        assertThat(a.head().headers().get("age")).isEqualTo("3");
        assertThat(a.head().headers().get("date")).isEqualTo(date(0));
        assertThat(a.head().headers().get("content-length")).isEqualTo("5");
        assertThat(a.head().headers().get("cache-status")).isEqualTo("up; hit, gatehouse; hit; ttl=56");
        assertThat(a.length()).isEqualTo(5);
    }

    @Test
    @DisplayName("RFC 9110 §9.3.2: HEAD gets the GET's fields and no body")
    void head() {
        Answer a = Answer.of(stored(RULE, "Cache-Control", "max-age=60"), get(HttpMethod.HEAD), NOW,
                CacheStatus.hit());
        assertThat(a.head().headers().get("content-length")).isEqualTo("5");
        assertThat(a.length()).isZero();
    }

    @Test
    @DisplayName("§4.3.2: If-None-Match (weak comparison, lists) and If-Modified-Since answered with 304 and the ETag")
    void conditionals() {
        StoredResponse r = stored(RULE, "Cache-Control", "max-age=60", "ETag", "\"abc\"", "Content-Type", "text/x",
                "Last-Modified", date(-3000));
        for (String inm : new String[] {"\"abc\"", "W/\"abc\"", "\"1\", \"abc\"", "*"}) {
            Answer a = Answer.of(r, get(HttpMethod.GET, "If-None-Match", inm), NOW, CacheStatus.hit());
            assertThat(a.head().status().code()).as(inm).isEqualTo(304);
            assertThat(a.head().headers().get("etag")).isEqualTo("\"abc\"");
            assertThat(a.head().headers().contains("content-type")).isFalse();
            assertThat(a.length()).isZero();
        }
        assertThat(Answer.of(r, get(HttpMethod.GET, "If-None-Match", "\"zz\"", "If-Modified-Since", date(0)), NOW,
                CacheStatus.hit()).head().status().code()).isEqualTo(200);
        assertThat(Answer.of(r, get(HttpMethod.GET, "If-Modified-Since", date(-2000)), NOW, CacheStatus.hit())
                .head().status().code()).isEqualTo(304);
        assertThat(Answer.of(r, get(HttpMethod.GET, "If-Modified-Since", date(-4000)), NOW, CacheStatus.hit())
                .head().status().code()).isEqualTo(200);
    }

    @Test
    @DisplayName("RFC 9110 §14: one range of a stored 200; unsatisfiable is 416; If-Range must match")
    void ranges() {
        StoredResponse r = stored(RULE, "Cache-Control", "max-age=60", "ETag", "\"abc\"");
        Answer a = Answer.of(r, get(HttpMethod.GET, "Range", "bytes=1-2"), NOW, CacheStatus.hit());
        assertThat(a.head().status().code()).isEqualTo(206);
        assertThat(a.head().headers().get("content-range")).isEqualTo("bytes 1-2/5");
        assertThat(a.offset()).isEqualTo(1);
        assertThat(a.length()).isEqualTo(2);
        assertThat(Answer.of(r, get(HttpMethod.GET, "Range", "bytes=-1"), NOW, CacheStatus.hit()).offset())
                .isEqualTo(4);
        assertThat(Answer.of(r, get(HttpMethod.GET, "Range", "bytes=9-"), NOW, CacheStatus.hit()).head().status()
                .code()).isEqualTo(416);
        assertThat(Answer.of(r, get(HttpMethod.GET, "Range", "bytes=1-2", "If-Range", "\"other\""), NOW,
                CacheStatus.hit()).head().status().code()).isEqualTo(200);
        assertThat(Answer.of(r, get(HttpMethod.GET, "Range", "bytes=1-2", "If-Range", "\"abc\""), NOW,
                CacheStatus.hit()).head().status().code()).isEqualTo(206);
    }

    @Test
    @DisplayName("Cache-Status parameters as RFC 9211 writes them")
    void cacheStatus() {
        assertThat(CacheStatus.forward("miss").stored().toString()).isEqualTo("gatehouse; fwd=miss; stored");
        assertThat(CacheStatus.forward("stale").fwdStatus(304).toString())
                .isEqualTo("gatehouse; fwd=stale; fwd-status=304");
        assertThat(CacheStatus.hit().ttl(-1500).detail("stale while revalidate").toString())
                .isEqualTo("gatehouse; hit; ttl=-2; detail=\"stale while revalidate\"");
    }
}
