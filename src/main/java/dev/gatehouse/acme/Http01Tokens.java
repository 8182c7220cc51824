package dev.gatehouse.acme;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * The HTTP-01 answers currently published, read by the http listener for
 * {@code GET /.well-known/acme-challenge/<token>} (RFC 8555 §8.3): respond 200 with
 * {@link #keyAuthorization(String)} as {@code text/plain} (or {@code application/octet-stream}), 404 when empty.
 * Thread-safe; lookups never block.
 */
public final class Http01Tokens {
    /** Where the CA fetches the answer (RFC 8555 §8.3). */
    public static final String PATH_PREFIX = "/.well-known/acme-challenge/";

    /** RFC 8555 §8.1: tokens are base64url without padding; 128 bits at least, so 22 characters or more. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,256}");

    private final ConcurrentMap<String, String> answers = new ConcurrentHashMap<>();

    public void add(String token, String keyAuthorization) {
        requireToken(token);
        answers.put(token, Objects.requireNonNull(keyAuthorization, "keyAuthorization"));
    }

    public void remove(String token) {
        answers.remove(Objects.requireNonNull(token, "token"));
    }

    /** The key authorization to serve for {@code token}; empty when no challenge with that token is in progress. */
    public Optional<String> keyAuthorization(String token) {
        return Optional.ofNullable(answers.get(Objects.requireNonNull(token, "token")));
    }

    /**
     * The token in a request path {@code /.well-known/acme-challenge/<token>}; empty when the path is something else
     * or the token is not base64url (so a handler can answer 404 without looking further).
     * The path is the raw path without query string.
     */
    public static Optional<String> tokenFromPath(String path) {
        if (path == null || !path.startsWith(PATH_PREFIX)) {
            return Optional.empty();
        }
        String token = path.substring(PATH_PREFIX.length());
        return TOKEN.matcher(token).matches() ? Optional.of(token) : Optional.empty();
    }

    private static void requireToken(String token) {
        Objects.requireNonNull(token, "token");
        if (!TOKEN.matcher(token).matches()) {
            throw new IllegalArgumentException("http-01 token \"" + token + "\" (expected: base64url characters A-Z a-z 0-9 - _)");
        }
    }
}
