package dev.gatehouse.admin;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class AdminAccessTest {
    private static final String TOKEN = "s3cret-token-0123456789";
    private static final int PORT = 2019;

    private static AdminRequest request(String authorization, String host, String origin) {
        return request(authorization, host, origin, null);
    }

    private static AdminRequest request(String authorization, String host, String origin, String fetchSite) {
        return new AdminRequest("GET", "/status", "", Optional.ofNullable(authorization), Optional.ofNullable(host),
                Optional.ofNullable(origin), Optional.ofNullable(fetchSite), Optional.empty());
    }

    private static AdminAccess open() {
        return new AdminAccess(Optional.empty(), () -> PORT);
    }

    private static AdminAccess withToken() {
        return new AdminAccess(Optional.of(TOKEN), () -> PORT);
    }

    @Test
    void withATokenEveryRequestButTheDashboardPageNeedsIt() {
        AdminAccess access = withToken();

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
    void withoutATokenOnlyExactLoopbackNamesWithTheAdminPortOrNoneAreAnswered() {
        AdminAccess access = open();
        for (String host : List.of("127.0.0.1:2019", "127.0.0.1", "127.255.0.9:2019", "localhost:2019", "LOCALHOST",
                "[::1]:2019", "[::1]", " localhost ")) {
            assertThat(access.check(request(null, host, null), false)).as(host).isEmpty();
        }
        for (String host : List.of("127.0.0.1.evil.example:2019", "127.0.0.1.evil.example", "127.evil.example",
                "localhost.evil.example:2019", "localhost.", "localhost.:2019", "a.localhost", "127.0.0.256", "127.0.0",
                "127.1", "127.00.0.1", "0x7f.0.0.1", "::1", "[::1]x", "[0:0:0:0:0:0:0:1]", "[::1].evil.example",
                "127.0.0.1:2020", "localhost:", "localhost:02019", "localhost:2019:2019", "10.0.0.1:2019",
                "attacker.example:2019", "")) {
            Optional<Problem> refused = access.check(request(null, host, null), false);
            assertThat(refused).as(host).hasValueSatisfying(p -> {
                assertThat(p.status()).isEqualTo(403);
                assertThat(p.detail()).contains("Host \"" + host + "\"", "DNS rebinding", "with port 2019 or none");
            });
        }
        assertThat(access.check(request(null, null, null), false)).hasValueSatisfying(p ->
                assertThat(p.detail()).contains("without Host"));
        assertThat(access.check(request(null, "127.0.0.1.evil.example:2019", null), true))
                .as("the dashboard page is no exception").isPresent();
    }

    @Test
    void withoutATokenOnlyTheListenersOwnLoopbackOriginsPass() {
        AdminAccess access = open();
        for (String origin : List.of("http://127.0.0.1:2019", "http://localhost:2019", "http://[::1]:2019",
                "HTTP://LOCALHOST:2019")) {
            assertThat(access.check(request(null, "127.0.0.1:2019", origin), false)).as(origin).isEmpty();
        }
        for (String origin : List.of("http://127.0.0.1.evil.example:2019", "http://localhost.evil.example:2019",
                "http://evil.example", "https://127.0.0.1:2019", "http://127.0.0.1:8080", "http://127.0.0.1",
                "http://localhost", "null", "http://127.0.0.1:2019/x", "http://", "127.0.0.1:2019")) {
            Optional<Problem> refused = access.check(request(null, "127.0.0.1:2019", origin), false);
            assertThat(refused).as(origin).hasValueSatisfying(p -> {
                assertThat(p.status()).isEqualTo(403);
                assertThat(p.detail()).contains("other origins", origin, "http://localhost:2019");
            });
        }
        AdminAccess onPort80 = new AdminAccess(Optional.empty(), () -> 80);
        assertThat(onPort80.check(request(null, "localhost", "http://localhost"), false))
                .as("an origin without port is port 80").isEmpty();
    }

    @Test
    void pagesOfOtherSitesAreRefusedByFetchMetadataWithOrWithoutTheToken() {
        for (AdminAccess access : List.of(open(), withToken())) {
            for (String site : List.of("cross-site", "same-site", "Cross-Site")) {
                assertThat(access.check(request("Bearer " + TOKEN, "127.0.0.1:2019", null, site), false)).as(site)
                        .hasValueSatisfying(p -> {
                            assertThat(p.status()).isEqualTo(403);
                            assertThat(p.detail()).contains("Sec-Fetch-Site");
                        });
            }
            assertThat(access.check(request("Bearer " + TOKEN, "127.0.0.1:2019", null, "cross-site"), true))
                    .as("not even the page").isPresent();
            for (String site : List.of("same-origin", "none")) {
                assertThat(access.check(request("Bearer " + TOKEN, "127.0.0.1:2019", null, site), false)).as(site).isEmpty();
            }
        }
    }

    @Test
    void withATokenTheOriginMustBeTheOneTheHostNames() {
        AdminAccess access = withToken();
        assertThat(access.check(request("Bearer " + TOKEN, "gatehouse.internal:2019", "http://gatehouse.internal:2019"),
                false)).isEmpty();
        assertThat(access.check(request("Bearer " + TOKEN, "127.0.0.1:2019", "http://127.0.0.1:8080"), false))
                .hasValueSatisfying(p -> assertThat(p.detail()).contains("other origins"));
        assertThat(access.check(request(null, "127.0.0.1:2019", "null"), true)).isPresent();
    }
}
