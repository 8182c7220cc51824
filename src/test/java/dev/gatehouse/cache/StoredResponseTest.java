package dev.gatehouse.cache;

import static dev.gatehouse.cache.Fields.NOW;
import static dev.gatehouse.cache.Fields.date;
import static dev.gatehouse.cache.Fields.of;
import static dev.gatehouse.cache.Fields.stored;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.config.CacheRule;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RFC 9111 §3.1 (what is stored), §3.2 and §4.3.4 (updating from a 304), §4.2.3 (age). */
class StoredResponseTest {
    private static final CacheRule RULE = CacheRule.DEFAULTS;

    @Test
    @DisplayName("§4.2.3: the age grows with residence time and starts from Age and the apparent age")
    void age() {
        StoredResponse r = stored(RULE, "Cache-Control", "max-age=600", "Age", "30", "Date", date(0));
        assertThat(r.age(NOW)).isEqualTo(30_000);
        assertThat(r.age(NOW + 3_000)).isEqualTo(33_000);
        StoredResponse old = stored(RULE, "Cache-Control", "max-age=600", "Date", date(-100));
        assertThat(old.age(NOW)).isEqualTo(100_000);
        assertThat(stored(RULE, "Cache-Control", "max-age=10", "Age", "15").fresh(NOW)).isFalse();
        HttpHeaders sameSecond = of("Cache-Control", "max-age=2", "Date", date(0));
        StoredResponse late = StoredResponse.of("a.test", "http://a.test/x", 200, "OK", sameSecond, VaryKey.NONE,
                NOW + 900, NOW + 900, RULE, new Body.Memory(Unpooled.EMPTY_BUFFER));
        assertThat(late.age(NOW + 900)).as("Date has whole seconds: no apparent age within its second").isZero();
        assertThat(stored(RULE, "Cache-Control", "max-age=3600").fresh(NOW + 3_599_000)).isTrue();
        assertThat(stored(RULE, "Cache-Control", "max-age=3600").fresh(NOW + 3_600_000)).isFalse();
    }

    @Test
    @DisplayName("§5.1: the first Age value counts; one that is not a non-negative integer is ignored")
    void ageParsing() {
        assertThat(StoredResponse.ageSeconds(List.of("abc"))).isZero();
        assertThat(StoredResponse.ageSeconds(List.of("-7200"))).isZero();
        assertThat(StoredResponse.ageSeconds(List.of("7200.0"))).isZero();
        assertThat(StoredResponse.ageSeconds(List.of("7200,0"))).isEqualTo(7200);
        assertThat(StoredResponse.ageSeconds(List.of("0, 7200"))).isZero();
        assertThat(StoredResponse.ageSeconds(List.of("7200", "0"))).isEqualTo(7200);
        assertThat(StoredResponse.ageSeconds(List.of("0", "7200"))).isZero();
        assertThat(StoredResponse.ageSeconds(List.of("7200;foo=bar"))).isEqualTo(7200);
        assertThat(StoredResponse.ageSeconds(List.of(" 7200 "))).isEqualTo(7200);
        assertThat(StoredResponse.ageSeconds(List.of("99999999999999"))).isEqualTo(Directives.MAX_DELTA_SECONDS);
    }

    @Test
    @DisplayName("§3.1: hop-by-hop, Connection-listed, proxy and withheld fields are not stored")
    void storedFields() {
        StoredResponse r = stored(RULE, "Cache-Control", "max-age=60, no-cache=\"a\", private=\"p\"", "Connection",
                "b, close", "a", "1", "b", "2", "c", "3", "p", "4", "Keep-Alive", "x", "Proxy-Authenticate", "y",
                "Transfer-Encoding", "chunked", "Content-Length", "5", "Age", "3", "Set-Cookie", "s=1");
        assertThat(r.headers.names()).containsExactlyInAnyOrder("cache-control", "c", "date");
        assertThat(r.noCache).isFalse();
    }

    @Test
    @DisplayName("§3.2, §4.3.4: a 304 replaces stored fields (Content-Length excepted) and renews freshness")
    void notModifiedUpdates() {
        StoredResponse r = stored(RULE, "Cache-Control", "max-age=1", "ETag", "\"e\"", "Test-Header", "A",
                "Content-Type", "text/plain", "Keep", "k");
        HttpHeaders update = of("Cache-Control", "max-age=3600", "ETag", "\"e\"", "Test-Header", "B",
                "Content-Type", "text/plain;charset=utf-8", "Content-Length", "0", "Date", date(10));
        StoredResponse u = r.updatedBy(update, NOW + 10_000, NOW + 10_000, RULE);
        assertThat(u.headers.get("test-header")).isEqualTo("B");
        assertThat(u.headers.get("content-type")).isEqualTo("text/plain;charset=utf-8");
        assertThat(u.headers.get("keep")).isEqualTo("k");
        assertThat(u.headers.contains("content-length")).isFalse();
        assertThat(u.fresh(NOW + 100_000)).isTrue();
        assertThat(u.body).isSameAs(r.body);
        assertThat(r.headers.get("test-header")).isEqualTo("A");
    }

    @Test
    @DisplayName("tags come from Surrogate-Key and Cache-Tag, space or comma separated")
    void tags() {
        StoredResponse r = stored(RULE, "Cache-Control", "max-age=60", "Surrogate-Key", "a b  c", "Cache-Tag",
                "c,d");
        assertThat(r.tags).containsExactly("a", "b", "c", "d");
    }

    @Test
    @DisplayName("RFC 5861: stale-while-revalidate and stale-if-error from the response, else the configured defaults")
    void staleWindows() {
        StoredResponse r = stored(RULE, "Cache-Control", "max-age=1, stale-while-revalidate=30, stale-if-error=60");
        assertThat(r.staleWhileRevalidate).isEqualTo(30_000);
        assertThat(r.staleIfError).isEqualTo(60_000);
        CacheRule defaults = new CacheRule(true, java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(7),
                java.time.Duration.ZERO, CacheRule.Heuristic.OFF, CacheRule.DEFAULT_TAG_HEADERS, CacheRule.SetCookie.BYPASS, true,
                java.time.Duration.ofSeconds(1), 10);
        StoredResponse d = stored(defaults, "Cache-Control", "max-age=1");
        assertThat(d.staleWhileRevalidate).isEqualTo(5_000);
        assertThat(d.staleIfError).isEqualTo(7_000);
        assertThat(stored(defaults, "Cache-Control", "max-age=1, stale-if-error=1").staleIfError).isEqualTo(1_000);
    }

    @Test
    @DisplayName("weight counts a memory body and the fields")
    void weight() {
        StoredResponse r = stored(RULE, "Cache-Control", "max-age=60");
        assertThat(r.weight()).isGreaterThan(5 + "cache-control".length());
        StoredResponse onDisk = r.withBody(new Body.File(java.nio.file.Path.of("/x"), 0, 1 << 20));
        assertThat(onDisk.weight()).isLessThan(1000);
        Unpooled.EMPTY_BUFFER.release();
    }
}
