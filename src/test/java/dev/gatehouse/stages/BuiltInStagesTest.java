package dev.gatehouse.stages;

import dev.gatehouse.acme.Http01Tokens;
import dev.gatehouse.config.HttpPolicy;
import dev.gatehouse.config.Limits;
import dev.gatehouse.routing.NotFoundHandler;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The stages that used to be special cases of the request dispatch: ACME HTTP-01, the plain-HTTP policy, 404s. */
class BuiltInStagesTest {
    private final Http01Tokens tokens = new Http01Tokens();

    @Test
    void theAcmeChallengeIsAnsweredBeforeAnythingElse() {
        tokens.add("tok-123_abc", "tok-123_abc.thumbprint");
        Stage refuseAll = HttpPolicyStage.create(HttpPolicy.HTTPS_ONLY, false, new StageServices(() -> 443, tokens, Limits.DEFAULTS, new BodyBuffers(Path.of("unused"))))
                .orElseThrow();

        try (StageHarness h = StageHarness.of(new AcmeChallengeStage(tokens), refuseAll)) {
            StageHarness.Result ours = h.send("GET /.well-known/acme-challenge/tok-123_abc HTTP/1.1\r\nHost: a.test\r\n\r\n");
            assertThat(ours.status()).isEqualTo(200);
            assertThat(ours.body()).isEqualTo("tok-123_abc.thumbprint");
            assertThat(ours.headers().get("content-type")).isEqualTo("application/octet-stream");

            StageHarness.Result absolute = h.send("GET http://a.test/.well-known/acme-challenge/tok-123_abc HTTP/1.1\r\n"
                    + "Host: a.test\r\n\r\n");
            assertThat(absolute.body()).isEqualTo("tok-123_abc.thumbprint");

            StageHarness.Result notOurs = h.send("GET /.well-known/acme-challenge/other HTTP/1.1\r\nHost: a.test\r\n\r\n");
            assertThat(notOurs.status()).as("not a token of ours: the chain goes on").isEqualTo(403);
        }
    }

    @Test
    void theRedirectKeepsPathQueryAndAnIpv6Host() {
        Stage redirect = HttpPolicyStage.create(HttpPolicy.REDIRECT, false, new StageServices(() -> 443, tokens, Limits.DEFAULTS, new BodyBuffers(Path.of("unused"))))
                .orElseThrow();

        try (StageHarness h = StageHarness.of(redirect)) {
            StageHarness.Result r = h.send("GET /a/b?c=d HTTP/1.1\r\nHost: [::1]\r\n\r\n");
            assertThat(r.status()).isEqualTo(308);
            assertThat(r.headers().get("location")).isEqualTo("https://[::1]/a/b?c=d");
            assertThat(r.headers().get("connection")).as("no body: the connection goes on").isNull();

            StageHarness.Result withBody = h.send("POST /form HTTP/1.1\r\nHost: b.test\r\nContent-Length: 3\r\n\r\nx=1");
            assertThat(withBody.headers().get("location")).isEqualTo("https://b.test/form");
            assertThat(withBody.headers().get("connection")).isEqualTo("close");
        }
    }

    @Test
    void allowAndHttpsRequestsGetNoPolicyStage() {
        StageServices services = new StageServices(() -> 443, tokens, Limits.DEFAULTS, new BodyBuffers(Path.of("unused")));

        assertThat(HttpPolicyStage.create(HttpPolicy.ALLOW, false, services)).isEmpty();
        assertThat(HttpPolicyStage.create(HttpPolicy.REDIRECT, true, services)).isEmpty();
    }

    @Test
    void unknownHostsGetA404NamingTheHost() {
        try (StageHarness h = StageHarness.of().action(NotFoundHandler.UNKNOWN_HOST)) {
            StageHarness.Result r = h.send("GET / HTTP/1.1\r\nHost: Nobody.Test\r\n\r\n");

            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).isEqualTo("404 Not Found: no site is configured for host \"nobody.test\"\n");
        }
    }
}
