package dev.gatehouse.admin;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class AdminAccessTest {
    private static final String TOKEN = "s3cret-token-0123456789";

    private static AdminRequest request(String authorization, String host, String origin) {
        return new AdminRequest("GET", "/status", "", Optional.ofNullable(authorization), Optional.ofNullable(host),
                Optional.ofNullable(origin));
    }

    @Test
    void withATokenEveryRequestButTheDashboardPageNeedsIt() {
        AdminAccess access = new AdminAccess(Optional.of(TOKEN));

        Optional<Problem> missing = access.check(request(null, "127.0.0.1:2019", null), false);
        assertThat(missing).hasValueSatisfying(p -> {
            assertThat(p.status()).isEqualTo(401);
            assertThat(p.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"gatehouse\"");
            assertThat(p.detail()).contains("Authorization: Bearer TOKEN");
        });
        assertThat(access.check(request("Bearer wrong", "127.0.0.1", null), false)).hasValueSatisfying(p ->
                assertThat(p.detail()).isEqualTo("wrong token"));
        assertThat(access.check(request("Bearer " + TOKEN + "x", "127.0.0.1", null), false)).isPresent();
        assertThat(access.check(request("Basic " + TOKEN, "127.0.0.1", null), false)).hasValueSatisfying(p ->
                assertThat(p.detail()).contains("not \"Bearer TOKEN\""));
        assertThat(access.check(request("Bearer " + TOKEN, "127.0.0.1", null), false)).isEmpty();
        assertThat(access.check(request("bearer  " + TOKEN + " ", "127.0.0.1", null), false))
                .as("scheme is case-insensitive (RFC 9110 11.1)").isEmpty();
        assertThat(access.check(request("Bearer " + TOKEN, "gatehouse.example.com:2019", null), false))
                .as("with a token any Host will do").isEmpty();
        assertThat(access.check(request(null, "127.0.0.1", null), true)).as("the page holds no data").isEmpty();
    }

    @Test
    void withoutATokenOnlyLoopbackHostNamesAreAnswered() {
        AdminAccess access = new AdminAccess(Optional.empty());
        for (String host : new String[] {"127.0.0.1:2019", "localhost:2019", "LOCALHOST", "[::1]:2019", "a.localhost"}) {
            assertThat(access.check(request(null, host, null), false)).as(host).isEmpty();
        }
        Optional<Problem> rebound = access.check(request(null, "attacker.example:2019", null), false);
        assertThat(rebound).hasValueSatisfying(p -> {
            assertThat(p.status()).isEqualTo(403);
            assertThat(p.detail()).contains("attacker.example:2019", "DNS rebinding");
        });
        assertThat(access.check(request(null, null, null), false)).isPresent();
    }

    @Test
    void browserRequestsFromOtherOriginsAreRefusedEvenWithTheToken() {
        AdminAccess open = new AdminAccess(Optional.empty());
        assertThat(open.check(request(null, "127.0.0.1:2019", "http://127.0.0.1:2019"), false)).isEmpty();
        assertThat(open.check(request(null, "127.0.0.1:2019", "https://evil.example"), false))
                .hasValueSatisfying(p -> assertThat(p.status()).isEqualTo(403));
        assertThat(open.check(request(null, "127.0.0.1:2019", "null"), true)).isPresent();
        AdminAccess withToken = new AdminAccess(Optional.of(TOKEN));
        assertThat(withToken.check(request("Bearer " + TOKEN, "127.0.0.1:2019", "http://127.0.0.1:8080"), false))
                .hasValueSatisfying(p -> assertThat(p.detail()).contains("other origins"));
    }
}
