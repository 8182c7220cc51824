package dev.gatehouse.cache;

import static dev.gatehouse.cache.Fields.NOW;
import static dev.gatehouse.cache.Fields.of;
import static dev.gatehouse.cache.Fields.stored;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.config.CacheRule;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RFC 9111 §4 (reuse), §4.1 (Vary), §4.2.4 (stale), §5.2.1 (request directives), RFC 5861. */
class DecisionTest {
    private static final CacheRule RULE = CacheRule.DEFAULTS;

    private static Decision decide(StoredResponse r, HttpHeaders request, long now) {
        return Decision.decide(r == null ? List.of() : List.of(r), request,
                RequestRules.of(request, true), now);
    }

    @Test
    @DisplayName("§4: fresh is a hit; nothing stored is a miss; stale with a validator is revalidated")
    void basics() {
        StoredResponse r = stored(RULE, "Cache-Control", "max-age=60", "ETag", "\"e\"");
        assertThat(decide(r, of(), NOW + 1000)).isInstanceOf(Decision.Hit.class);
        assertThat(decide(null, of(), NOW)).isEqualTo(new Decision.Forward("miss", null));
        assertThat(decide(r, of(), NOW + 61_000)).isEqualTo(new Decision.Revalidate(r, "stale"));
        StoredResponse noValidator = stored(RULE, "Cache-Control", "max-age=60");
        assertThat(decide(noValidator, of(), NOW + 61_000)).isEqualTo(new Decision.Forward("stale", noValidator));
    }

    @Test
    @DisplayName("§5.2.2.4: no-cache is revalidated before every reuse, even when fresh")
    void noCache() {
        StoredResponse r = stored(RULE, "Cache-Control", "max-age=10000, no-cache", "ETag", "\"e\"");
        assertThat(decide(r, of(), NOW)).isInstanceOf(Decision.Revalidate.class);
    }

    @Test
    @DisplayName("§4.1: Vary selects by the normalised request fields; absent matches absent only")
    void vary() {
        StoredResponse r = stored(RULE, 200, of("Foo", "1", "Bar", "abc"), "Cache-Control", "max-age=60",
                "Vary", "Foo, Bar");
        assertThat(decide(r, of("Foo", "1", "Bar", "abc", "Other", "x"), NOW)).isInstanceOf(Decision.Hit.class);
        assertThat(decide(r, of("Foo", "2", "Bar", "abc"), NOW)).isEqualTo(new Decision.Forward("vary-miss", null));
        assertThat(decide(r, of("Foo", "1"), NOW)).isInstanceOf(Decision.Forward.class);
        StoredResponse omitted = stored(RULE, 200, of("Foo", "1"), "Cache-Control", "max-age=60", "Vary", "Foo, Bar");
        assertThat(decide(omitted, of("Foo", "1"), NOW)).isInstanceOf(Decision.Hit.class);
        StoredResponse spaced = stored(RULE, 200, of("Foo", "1,2"), "Cache-Control", "max-age=60", "Vary", "Foo");
        assertThat(decide(spaced, of("Foo", "1 ,  2"), NOW)).isInstanceOf(Decision.Hit.class);
        assertThat(decide(spaced, of("Foo", "1", "Foo", "2"), NOW)).isInstanceOf(Decision.Hit.class);
    }

    @Test
    @DisplayName("§4.1: among matching variants the newest is used")
    void newestVariant() {
        StoredResponse a = stored(RULE, 200, of("Foo", "1"), "Cache-Control", "max-age=60", "Vary", "Foo", "N", "a");
        StoredResponse b = stored(RULE, 200, of("Foo", "2"), "Cache-Control", "max-age=60", "Vary", "Foo", "N", "b");
        Decision d = Decision.decide(List.of(b, a), of("Foo", "1"), RequestRules.NONE, NOW);
        assertThat(((Decision.Hit) d).response()).isSameAs(a);
    }

    @Test
    @DisplayName("§5.2.1: request max-age, min-fresh, max-stale, no-cache and only-if-cached")
    void requestDirectives() {
        StoredResponse r = stored(RULE, "Cache-Control", "max-age=3600", "Age", "1800", "ETag", "\"e\"");
        assertThat(decide(r, of("Cache-Control", "max-age=600"), NOW)).isInstanceOf(Decision.Revalidate.class);
        assertThat(decide(r, of("Cache-Control", "min-fresh=2000"), NOW)).isInstanceOf(Decision.Revalidate.class);
        assertThat(decide(r, of("Cache-Control", "no-cache"), NOW)).isEqualTo(new Decision.Revalidate(r, "request"));
        assertThat(decide(r, of("Cache-Control", "max-age=1900"), NOW)).isInstanceOf(Decision.Hit.class);
        StoredResponse stale = stored(RULE, "Cache-Control", "max-age=1500", "Age", "2000");
        assertThat(decide(stale, of("Cache-Control", "max-stale=1000"), NOW)).isInstanceOf(Decision.Hit.class);
        assertThat(decide(stale, of("Cache-Control", "max-stale"), NOW)).isInstanceOf(Decision.Hit.class);
        assertThat(decide(stale, of("Cache-Control", "max-stale=100"), NOW)).isInstanceOf(Decision.Forward.class);
        assertThat(decide(null, of("Cache-Control", "only-if-cached"), NOW)).isInstanceOf(Decision.NotCached.class);
        assertThat(decide(r, of("Pragma", "no-cache"), NOW)).isInstanceOf(Decision.Hit.class);
    }

    @Test
    @DisplayName("§4.2.4: must-revalidate ignores max-stale")
    void mustRevalidate() {
        StoredResponse r = stored(RULE, "Cache-Control", "max-age=1, must-revalidate", "Age", "10");
        assertThat(decide(r, of("Cache-Control", "max-stale"), NOW)).isInstanceOf(Decision.Forward.class);
    }

    @Test
    @DisplayName("RFC 5861 §3: stale within stale-while-revalidate is answered at once, not past it")
    void staleWhileRevalidate() {
        StoredResponse r = stored(RULE, "Cache-Control", "max-age=0, stale-while-revalidate=60", "ETag", "\"e\"");
        assertThat(decide(r, of(), NOW + 30_000)).isInstanceOf(Decision.StaleWhileRevalidate.class);
        assertThat(decide(r, of(), NOW + 61_000)).isInstanceOf(Decision.Revalidate.class);
        StoredResponse must = stored(RULE, "Cache-Control", "max-age=0, stale-while-revalidate=60, must-revalidate",
                "ETag", "\"e\"");
        assertThat(decide(must, of(), NOW + 1000)).isInstanceOf(Decision.Revalidate.class);
    }

    @Test
    @DisplayName("RFC 5861 §4: stale-if-error within the window, the request's window first; never with must-revalidate")
    void staleIfError() {
        StoredResponse r = stored(RULE, "Cache-Control", "max-age=0, stale-if-error=60");
        assertThat(Decision.staleIfError(r, RequestRules.NONE, NOW + 30_000)).isTrue();
        assertThat(Decision.staleIfError(r, RequestRules.NONE, NOW + 61_000)).isFalse();
        assertThat(Decision.staleIfError(r, RequestRules.of(of("Cache-Control", "stale-if-error=1"), true),
                NOW + 3_000)).isFalse();
        StoredResponse none = stored(RULE, "Cache-Control", "max-age=0");
        assertThat(Decision.staleIfError(none, RequestRules.NONE, NOW + 1000)).isFalse();
        assertThat(Decision.staleIfError(none, RequestRules.of(of("Cache-Control", "stale-if-error=3600"), true),
                NOW + 1000)).isTrue();
        StoredResponse must = stored(RULE, "Cache-Control", "max-age=0, stale-if-error=60, proxy-revalidate");
        assertThat(Decision.staleIfError(must, RequestRules.NONE, NOW + 1000)).isFalse();
        StoredResponse noCache = stored(RULE, "Cache-Control", "max-age=0, stale-if-error=60, no-cache");
        assertThat(Decision.staleIfError(noCache, RequestRules.NONE, NOW + 1000)).as("§4.2.4").isFalse();
    }

    @Test
    @DisplayName("RFC 9111 §4.2.4: a disconnected cache may serve stale, within its own bound, never when forbidden")
    void staleWhenUnreachable() {
        StoredResponse r = stored(RULE, "Cache-Control", "max-age=0");
        assertThat(Decision.staleOnError(r, RequestRules.NONE, NOW + 30_000, 0)).isNull();
        assertThat(Decision.staleOnError(r, RequestRules.NONE, NOW + 30_000, 60_000)).isEqualTo("origin-unreachable");
        assertThat(Decision.staleOnError(r, RequestRules.NONE, NOW + 61_000, 60_000)).isNull();
        StoredResponse sie = stored(RULE, "Cache-Control", "max-age=0, stale-if-error=60");
        assertThat(Decision.staleOnError(sie, RequestRules.NONE, NOW + 30_000, 60_000)).isEqualTo("stale-if-error");
        for (String forbidden : List.of("must-revalidate", "proxy-revalidate", "s-maxage=0", "no-cache")) {
            StoredResponse f = stored(RULE, "Cache-Control", "max-age=0, " + forbidden);
            assertThat(Decision.staleOnError(f, RequestRules.NONE, NOW + 1000, 60_000)).as(forbidden).isNull();
        }
    }

    @Test
    @DisplayName("a client's directives are ignored when the config says so")
    void requestDirectivesOff() {
        StoredResponse r = stored(RULE, "Cache-Control", "max-age=60");
        HttpHeaders req = of("Cache-Control", "no-cache");
        assertThat(Decision.decide(List.of(r), req, RequestRules.of(req, false), NOW))
                .isInstanceOf(Decision.Hit.class);
    }
}
