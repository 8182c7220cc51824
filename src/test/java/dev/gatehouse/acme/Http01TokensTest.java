package dev.gatehouse.acme;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Http01TokensTest {
    private static final String TOKEN = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";

    @Test
    void servesAnAnswerUntilItIsRemoved() {
        Http01Tokens tokens = new Http01Tokens();
        tokens.add(TOKEN, TOKEN + ".thumbprint");

        assertThat(tokens.keyAuthorization(TOKEN)).contains(TOKEN + ".thumbprint");
        tokens.remove(TOKEN);
        assertThat(tokens.keyAuthorization(TOKEN)).isEmpty();
    }

    @Test
    void findsTheTokenInAChallengePath() {
        assertThat(Http01Tokens.tokenFromPath("/.well-known/acme-challenge/" + TOKEN)).contains(TOKEN);
    }

    @Test
    void ignoresOtherPathsAndTokensThatAreNotBase64url() {
        assertThat(Http01Tokens.tokenFromPath("/")).isEmpty();
        assertThat(Http01Tokens.tokenFromPath("/.well-known/acme-challenge/")).isEmpty();
        assertThat(Http01Tokens.tokenFromPath("/.well-known/acme-challenge/../etc/passwd")).isEmpty();
        assertThat(Http01Tokens.tokenFromPath("/.well-known/acme-challenge/abc/def")).isEmpty();
        assertThat(Http01Tokens.tokenFromPath("/.well-known/acme-challenge/abc%2F")).isEmpty();
        assertThat(Http01Tokens.tokenFromPath("/.well-known/acme-challenge/a+b=")).isEmpty();
        assertThat(Http01Tokens.tokenFromPath(null)).isEmpty();
    }

    @Test
    void refusesToPublishATokenThatCouldNotBeRequested() {
        assertThatThrownBy(() -> new Http01Tokens().add("a/b", "x")).hasMessageContaining("expected: base64url");
    }
}
