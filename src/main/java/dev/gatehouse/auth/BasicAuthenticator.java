package dev.gatehouse.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * HTTP basic authentication (RFC 7617) against a set of users with password hashes. A right password is remembered
 * for a while, under an HMAC of the credentials with a key made at start (never the password itself), so each client
 * pays the hash's cost once, not per request; wrong ones are always checked in full on {@link PasswordChecks}. An
 * unknown user is checked against another user's hash, so the answer takes as long as for a known one.
 */
public final class BasicAuthenticator {
    /** Right credentials are remembered this long after their last use. */
    static final Duration REMEMBER = Duration.ofMinutes(10);
    static final int REMEMBERED = 10_000;

    /** What a check found. */
    public sealed interface Outcome permits Allowed, Denied, Busy {
    }

    /** The credentials are right: the request comes from {@code user}. */
    public record Allowed(String user) implements Outcome {
    }

    /** Missing, malformed or wrong credentials. */
    public record Denied() implements Outcome {
    }

    /** Too many checks waiting: come back later. */
    public record Busy() implements Outcome {
    }

    /** Where an outcome decided on the checking thread goes. */
    public interface Callback {
        void outcome(Outcome outcome);
    }

    private static final Denied DENIED = new Denied();
    private static final Busy BUSY = new Busy();

    private final Map<String, PasswordHash> users;
    private final PasswordHash decoy;
    private final String challenge;
    private final PasswordChecks checks;
    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;
    private final Cache<Remembered, String> remembered = Caffeine.newBuilder()
            .maximumSize(REMEMBERED).expireAfterAccess(REMEMBER).executor(Runnable::run).build();

    private record Remembered(long a, long b, long c, long d) {
    }

    /** @param users user name to hash; not empty */
    public BasicAuthenticator(Map<String, PasswordHash> users, String realm, PasswordChecks checks) {
        if (users.isEmpty()) {
            throw new IllegalArgumentException("no users (expected: at least one)");
        }
        this.users = Map.copyOf(users);
        this.decoy = users.values().iterator().next();
        this.challenge = "Basic realm=\"" + realm.replace("\\", "\\\\").replace("\"", "\\\"") + "\", charset=\"UTF-8\"";
        this.checks = Objects.requireNonNull(checks, "checks");
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
            }
        });
    }

    /** The {@code WWW-Authenticate} value of a 401. */
    public String challenge() {
        return challenge;
    }

    /**
     * Checks an {@code Authorization} header value (null when the request had none): returns the outcome when it is
     * known at once (no or malformed credentials, remembered ones, a full queue), else null, and {@code later} gets
     * it from the checking thread.
     */
    public Outcome check(String authorization, Callback later) {
        Credentials credentials = Credentials.parse(authorization);
        if (credentials == null) {
            return DENIED;
        }
        Remembered id = remember(authorization);
        String known = remembered.getIfPresent(id);
        if (known != null) {
            return new Allowed(known);
        }
        PasswordHash hash = users.get(credentials.user());
        boolean queued = checks.submit(() -> {
            boolean right = (hash != null ? hash : decoy).matches(credentials.password()) && hash != null;
            if (right) {
                remembered.put(id, credentials.user());
            }
            later.outcome(right ? new Allowed(credentials.user()) : DENIED);
        });
        return queued ? null : BUSY;
    }

    /** The user an {@code Authorization} header names, when it holds basic credentials at all. */
    public Optional<String> user(String authorization) {
        return Optional.ofNullable(Credentials.parse(authorization)).map(Credentials::user);
    }

    /** Whether {@code user} is one of the users. */
    public boolean knows(String user) {
        return users.containsKey(user);
    }

    private Remembered remember(String authorization) {
        byte[] d = macs.get().doFinal(authorization.trim().getBytes(StandardCharsets.UTF_8));
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(d);
        return new Remembered(b.getLong(), b.getLong(), b.getLong(), b.getLong());
    }

    /** user-id ":" password from {@code Basic base64}. */
    record Credentials(String user, byte[] password) {
        static Credentials parse(String header) {
            if (header == null) {
                return null;
            }
            String h = header.trim();
            if (h.length() < 6 || !h.regionMatches(true, 0, "Basic ", 0, 6)) {
                return null;
            }
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(h.substring(6).trim());
            } catch (IllegalArgumentException e) {
                return null;
            }
            for (int i = 0; i < decoded.length; i++) {
                if (decoded[i] == ':') {
                    return new Credentials(new String(decoded, 0, i, StandardCharsets.UTF_8),
                            java.util.Arrays.copyOfRange(decoded, i + 1, decoded.length));
                }
            }
            return null;
        }
    }
}
