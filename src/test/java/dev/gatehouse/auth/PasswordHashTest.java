package dev.gatehouse.auth;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordHashTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void bcryptFromHtpasswdAndFromHere() {
        String made = new PasswordHasher().bcrypt("s3cret", 4);
        assertThat(made).startsWith("$2y$04$");
        assertThat(PasswordHash.parse(made).matches(utf8("s3cret"))).isTrue();
        assertThat(PasswordHash.parse(made).matches(utf8("s3cret!"))).isFalse();
        String b = made.replace("$2y$", "$2b$");
        assertThat(PasswordHash.parse(b).matches(utf8("s3cret"))).isTrue();
    }

    @Test
    void argon2idRoundTrip() {
        String made = new PasswordHasher().argon2id("correct horse");
        assertThat(made).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(PasswordHash.parse(made).matches(utf8("correct horse"))).isTrue();
        assertThat(PasswordHash.parse(made).matches(utf8("correct horsE"))).isFalse();
    }

    @Test
    void badHashesSayWhatWasExpected() {
        assertThatThrownBy(() -> PasswordHash.parse("secret")).hasMessageContaining("expected");
        assertThatThrownBy(() -> PasswordHash.parse("$apr1$abc$def")).hasMessageContaining("bcrypt");
        assertThatThrownBy(() -> PasswordHash.parse("$argon2i$v=19$m=1024,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"))
                .hasMessageContaining("only argon2id");
        assertThatThrownBy(() -> PasswordHash.parse(
                "$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")).hasMessageContaining("m=");
    }

    @Test
    void basicAuthenticatorRemembersRightPasswordsOnly() throws Exception {
        PasswordHasher hasher = new PasswordHasher();
        try (PasswordChecks checks = new PasswordChecks()) {
            BasicAuthenticator auth = new BasicAuthenticator(Map.of(
                    "alice", PasswordHash.parse(hasher.bcrypt("wonderland", 4)),
                    "bob", PasswordHash.parse(hasher.argon2id("builder"))), "Staff only", checks);
            assertThat(auth.challenge()).isEqualTo("Basic realm=\"Staff only\", charset=\"UTF-8\"");
            assertThat(check(auth, basic("alice", "wonderland"))).isEqualTo(new BasicAuthenticator.Allowed("alice"));
            assertThat(check(auth, basic("bob", "builder"))).isEqualTo(new BasicAuthenticator.Allowed("bob"));
            assertThat(check(auth, basic("alice", "nope"))).isInstanceOf(BasicAuthenticator.Denied.class);
            assertThat(check(auth, basic("carol", "wonderland"))).isInstanceOf(BasicAuthenticator.Denied.class);
            assertThat(check(auth, null)).isInstanceOf(BasicAuthenticator.Denied.class);
            assertThat(check(auth, "Basic !!!")).isInstanceOf(BasicAuthenticator.Denied.class);
            assertThat(check(auth, "Bearer abc")).isInstanceOf(BasicAuthenticator.Denied.class);
            // remembered: answered on the calling thread; a wrong one is never remembered, it is checked on the
            // checking thread every time
            assertThat(threadOf(auth, basic("alice", "wonderland"))).isEqualTo(Thread.currentThread().getName());
            assertThat(threadOf(auth, basic("alice", "wonderlanD"))).isEqualTo("gatehouse-password-checks");
            assertThat(threadOf(auth, basic("alice", "wonderlanD"))).isEqualTo("gatehouse-password-checks");
        }
    }

    private static String threadOf(BasicAuthenticator auth, String header) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        String[] thread = new String[1];
        BasicAuthenticator.Outcome now = auth.check(header, o -> {
            thread[0] = Thread.currentThread().getName();
            done.countDown();
        });
        if (now != null) {
            return Thread.currentThread().getName();
        }
        assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
        return thread[0];
    }

    static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(utf8(user + ":" + password));
    }

    private static BasicAuthenticator.Outcome check(BasicAuthenticator auth, String header) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        BasicAuthenticator.Outcome[] out = new BasicAuthenticator.Outcome[1];
        BasicAuthenticator.Outcome now = auth.check(header, o -> {
            out[0] = o;
            done.countDown();
        });
        if (now != null) {
            return now;
        }
        assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
        return out[0];
    }
}
