package dev.gatehouse.cache;

import static dev.gatehouse.cache.Fields.of;
import static dev.gatehouse.cache.Fields.stored;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.config.CacheRule;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RFC 9111 §4.3.1 (sending a validation request), §4.4 (invalidation), §2 (keys). */
class ValidationTest {

    @Test
    @DisplayName("§4.3.1: the stored validators go out; the client's preconditions and Range do not")
    void conditionalRequest() {
        StoredResponse r = stored(CacheRule.DEFAULTS, "Cache-Control", "max-age=1", "ETag", "abc",
                "Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT");
        HttpHeaders out = of("If-None-Match", "\"client\"", "Range", "bytes=0-1", "If-Match", "x", "Abc", "123");
        Validation.makeConditional(out, r);
        assertThat(out.get("if-none-match")).isEqualTo("\"abc\"");
        assertThat(out.get("if-modified-since")).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
        assertThat(out.contains("range")).isFalse();
        assertThat(out.contains("if-match")).isFalse();
        assertThat(out.get("abc")).isEqualTo("123");
    }

    @Test
    @DisplayName("§4.4: a non-error answer to an unsafe method invalidates the URL, Location and Content-Location")
    void invalidation() {
        String key = "http://a.test/p";
        HttpHeaders h = of("Location", "/loc", "Content-Location", "http://a.test/cl?q=1");
        assertThat(Validation.invalidated(HttpMethod.POST, key, 201, h))
                .containsExactly(key, "http://a.test/loc", "http://a.test/cl?q=1");
        assertThat(Validation.invalidated(HttpMethod.valueOf("M-SEARCH"), key, 200, of())).containsExactly(key);
        assertThat(Validation.invalidated(HttpMethod.DELETE, key, 500, h)).isEmpty();
        assertThat(Validation.invalidated(HttpMethod.GET, key, 200, h)).isEmpty();
        assertThat(Validation.invalidated(HttpMethod.PUT, key, 204, of("Location", "http://other.test/x")))
                .containsExactly(key);
    }

    @Test
    @DisplayName("§2: keys are scheme, lower-case host and path with query; absolute-form targets agree")
    void keys() {
        assertThat(CacheKeys.of(true, "a.test", "/p?q=1")).isEqualTo("https://a.test/p?q=1");
        assertThat(CacheKeys.of(false, "a.test", "http://A.test:80/p?q")).isEqualTo("http://a.test/p?q");
        assertThat(CacheKeys.of(false, "a.test", "http://a.test")).isEqualTo("http://a.test/");
        assertThat(CacheKeys.otherScheme("http://a.test/")).isEqualTo("https://a.test/");
    }
}
