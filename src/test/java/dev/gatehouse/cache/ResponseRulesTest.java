package dev.gatehouse.cache;

import static dev.gatehouse.cache.Fields.NOW;
import static dev.gatehouse.cache.Fields.date;
import static dev.gatehouse.cache.Fields.of;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.config.CacheRule;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 9111 §3 (storing), §3.5 (Authorization), §4.2.1 (freshness lifetime), §4.2.2 (heuristics). */
class ResponseRulesTest {
    private static final CacheRule RULE = CacheRule.DEFAULTS;
    private static final long MAX = 1 << 20;

    private static Optional<String> refusal(int status, HttpHeaders h) {
        return ResponseRules.of(h).refusal(status, h, false, RULE, MAX);
    }

    private static long lifetime(HttpHeaders h) {
        return ResponseRules.of(h).lifetime(200, h, RULE, NOW);
    }

    @Test
    @DisplayName("§3: explicit freshness makes a final response storable")
    void storable() {
        assertThat(refusal(200, of("Cache-Control", "max-age=60"))).isEmpty();
        assertThat(refusal(200, of("Expires", date(60)))).isEmpty();
        assertThat(refusal(200, of("Cache-Control", "s-maxage=60"))).isEmpty();
        assertThat(refusal(599, of("Cache-Control", "max-age=60"))).isEmpty();
        assertThat(refusal(201, of("Cache-Control", "public"))).isEmpty();
    }

    @Test
    @DisplayName("§3: no-store, unqualified private, 206 and 304 are not stored")
    void notStorable() {
        assertThat(refusal(200, of("Cache-Control", "max-age=60, no-store"))).contains("no-store");
        assertThat(refusal(200, of("Cache-Control", "private, max-age=3600"))).contains("private");
        assertThat(refusal(206, of("Cache-Control", "max-age=60"))).contains("status");
        assertThat(refusal(304, of("Cache-Control", "max-age=60"))).contains("status");
        assertThat(refusal(100, of("Cache-Control", "max-age=60"))).contains("status");
    }

    @Test
    @DisplayName("§3: qualified private is no bar: the named fields are left out instead")
    void qualifiedPrivate() {
        assertThat(refusal(200, of("Cache-Control", "private=\"x\", max-age=60"))).isEmpty();
    }

    @Test
    @DisplayName("§5.2.2.3: must-understand stores understood codes even with no-store, and nothing else")
    void mustUnderstand() {
        assertThat(refusal(200, of("Cache-Control", "must-understand, no-store, max-age=60"))).isEmpty();
        assertThat(refusal(299, of("Cache-Control", "must-understand, no-store, max-age=60")))
                .contains("must-understand");
    }

    @Test
    @DisplayName("§3: without explicit freshness only heuristically cacheable codes with a validator are kept")
    void withoutFreshness() {
        assertThat(refusal(200, of("ETag", "\"a\""))).isEmpty();
        assertThat(refusal(200, of())).contains("no-freshness");
        assertThat(refusal(201, of("ETag", "\"a\""))).contains("no-freshness");
        assertThat(refusal(503, of("Last-Modified", date(-100)))).contains("no-freshness");
    }

    @Test
    @DisplayName("§3.5: a response to a request with Authorization needs public, s-maxage or must-revalidate")
    void authorization() {
        HttpHeaders h = of("Expires", date(3600));
        assertThat(ResponseRules.of(h).refusal(200, h, true, RULE, MAX)).contains("authorization");
        for (String cc : new String[] {"public, max-age=60", "s-maxage=60", "must-revalidate, max-age=60"}) {
            HttpHeaders ok = of("Cache-Control", cc);
            assertThat(ResponseRules.of(ok).refusal(200, ok, true, RULE, MAX)).isEmpty();
        }
    }

    @Test
    @DisplayName("Vary: * is never stored; Set-Cookie only as configured; bodies over the maximum are not")
    void cacheLimits() {
        assertThat(refusal(200, of("Cache-Control", "max-age=60", "Vary", "Foo, *"))).contains("vary-star");
        assertThat(refusal(200, of("Cache-Control", "max-age=60", "Vary", "", "Vary", "*"))).contains("vary-star");
        assertThat(refusal(200, of("Cache-Control", "max-age=60", "Set-Cookie", "a=b"))).contains("set-cookie");
        HttpHeaders cookie = of("Cache-Control", "max-age=60", "Set-Cookie", "a=b");
        CacheRule strip = new CacheRule(true, Duration.ZERO, Duration.ZERO, Duration.ZERO, CacheRule.Heuristic.OFF,
                CacheRule.DEFAULT_TAG_HEADERS, CacheRule.SetCookie.STRIP, true, Duration.ofSeconds(1), 10);
        assertThat(ResponseRules.of(cookie).refusal(200, cookie, false, strip, MAX)).isEmpty();
        assertThat(refusal(200, of("Cache-Control", "max-age=60", "Content-Length", "2000000"))).contains("too-large");
    }

    @Test
    @DisplayName("§4.2.1: s-maxage before max-age before Expires minus Date")
    void lifetimeOrder() {
        assertThat(lifetime(of("Cache-Control", "max-age=3600, s-maxage=1"))).isEqualTo(1000);
        assertThat(lifetime(of("Cache-Control", "s-maxage=1", "Cache-Control", "max-age=3600"))).isEqualTo(1000);
        assertThat(lifetime(of("Cache-Control", "max-age=3600", "Expires", date(-10000)))).isEqualTo(3_600_000);
        assertThat(lifetime(of("Cache-Control", "max-age=0", "Expires", date(10000)))).isZero();
        assertThat(ResponseRules.of(of()).lifetime(200, of("Expires", date(300)), RULE, NOW + 400_000)).isZero();
        assertThat(lifetime(of("Expires", date(300)))).isEqualTo(300_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"max-age=a100", "max-age=100a", "max-age=-100", "max-age='3600'", "max-age =100",
        "extension=\"max-age=100\", max-age=1"})
    @DisplayName("§4.2.1: invalid freshness information is stale, not a fall-through to Expires")
    void invalidIsStale(String cc) {
        assertThat(lifetime(of("Cache-Control", cc, "Expires", date(10000)))).isLessThanOrEqualTo(1000);
    }

    @Test
    @DisplayName("§5.3: an invalid Expires means already expired")
    void invalidExpires() {
        assertThat(lifetime(of("Expires", "0"))).isZero();
        assertThat(lifetime(of("Expires", "Thu, 18 Aug 2050 02:01:18 UTC"))).isZero();
    }

    @Test
    @DisplayName("RFC 9213 §2.2: a valid targeted field replaces Cache-Control and Expires")
    void targeted() {
        HttpHeaders h = of("Cache-Control", "max-age=3600", "CDN-Cache-Control", "max-age=1");
        assertThat(lifetime(h)).isEqualTo(1000);
        HttpHeaders store = of("Cache-Control", "no-store", "CDN-Cache-Control", "max-age=10000");
        assertThat(refusal(200, store)).isEmpty();
        HttpHeaders noStore = of("Cache-Control", "max-age=10000", "Surrogate-Control", "no-store");
        assertThat(refusal(200, noStore)).contains("no-store");
        HttpHeaders invalid = of("Cache-Control", "no-store", "CDN-Cache-Control", "max-age=10000, &&&&&");
        assertThat(refusal(200, invalid)).contains("no-store");
        assertThat(lifetime(of("CDN-Cache-Control", "max-age=0", "Expires", date(10000)))).isZero();
    }

    @Test
    @DisplayName("§4.2.2: heuristics are off unless configured, then apply only to heuristically cacheable codes")
    void heuristics() {
        HttpHeaders h = of("Last-Modified", date(-100_000));
        assertThat(lifetime(h)).isZero();
        CacheRule tenPercent = new CacheRule(true, Duration.ZERO, Duration.ZERO, Duration.ZERO,
                new CacheRule.Heuristic(10, Duration.ZERO),
                CacheRule.DEFAULT_TAG_HEADERS, CacheRule.SetCookie.BYPASS, true, Duration.ofSeconds(1), 10);
        assertThat(ResponseRules.of(h).lifetime(200, h, tenPercent, NOW)).isEqualTo(10_000_000);
        assertThat(ResponseRules.of(h).lifetime(502, h, tenPercent, NOW)).isZero();
        HttpHeaders pub = of("Last-Modified", date(-100_000), "Cache-Control", "public");
        assertThat(ResponseRules.of(pub).lifetime(599, pub, tenPercent, NOW)).isEqualTo(10_000_000);
        HttpHeaders old = of("Last-Modified", date(-100_000_000));
        assertThat(ResponseRules.of(old).lifetime(200, old, tenPercent, NOW)).isEqualTo(86_400_000);
    }

    @Test
    @DisplayName("§5.2.2.2, §5.2.2.8, §5.2.2.10: must-revalidate, proxy-revalidate and s-maxage forbid stale answers")
    void noStale() {
        assertThat(ResponseRules.of(of("Cache-Control", "max-age=2, must-revalidate")).noStale()).isTrue();
        assertThat(ResponseRules.of(of("Cache-Control", "max-age=2, proxy-revalidate")).noStale()).isTrue();
        assertThat(ResponseRules.of(of("Cache-Control", "s-maxage=2")).noStale()).isTrue();
        assertThat(ResponseRules.of(of("Cache-Control", "max-age=2")).noStale()).isFalse();
    }
}
