package dev.gatehouse.admin;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/**
 * Who may use the admin API. With a token, every request but the dashboard page itself must carry
 * {@code Authorization: Bearer TOKEN}. Without one (loopback listeners only), the {@code Host} must be a loopback name,
 * so a web page cannot reach the API through DNS rebinding. Either way a browser request from another origin is
 * refused, so a page the operator visits cannot post to the API from their browser.
 */
final class AdminAccess {
    private final Optional<byte[]> tokenHash;

    AdminAccess(Optional<String> token) {
        this.tokenHash = token.map(AdminAccess::sha256);
    }

    /** The problem that refuses {@code request}, or empty when it may go on. */
    Optional<Problem> check(AdminRequest request, boolean dashboardPage) {
        Optional<Problem> origin = origin(request);
        if (origin.isPresent() || dashboardPage) {
            return origin;
        }
        if (tokenHash.isPresent()) {
            return bearer(request.authorization());
        }
        return loopbackHost(request.host());
    }

    private Optional<Problem> bearer(Optional<String> authorization) {
        if (authorization.isEmpty()) {
            return Optional.of(Problem.unauthorized("this admin API needs a token (expected: the header "
                    + "Authorization: Bearer TOKEN, with the token of the config's admin section)"));
        }
        String value = authorization.get().strip();
        boolean bearer = value.regionMatches(true, 0, "Bearer ", 0, 7);
        // Hashing both sides first makes the comparison take the same time whatever the length or content.
        if (!bearer || !MessageDigest.isEqual(sha256(value.substring(7).strip()), tokenHash.get())) {
            return Optional.of(Problem.unauthorized(bearer ? "wrong token" : "the Authorization header is not "
                    + "\"Bearer TOKEN\""));
        }
        return Optional.empty();
    }

    private static Optional<Problem> loopbackHost(Optional<String> hostHeader) {
        String host = hostHeader.map(AdminAccess::hostOnly).orElse("");
        if (host.equals("localhost") || host.endsWith(".localhost") || host.startsWith("127.")
                || host.equals("::1") || host.equals("[::1]")) {
            return Optional.empty();
        }
        return Optional.of(Problem.forbidden("Host \"" + hostHeader.orElse("") + "\" is not a loopback name "
                + "(expected: localhost, 127.0.0.1 or [::1]; an admin API without a token answers only those, so web "
                + "pages cannot reach it through DNS rebinding)"));
    }

    private static Optional<Problem> origin(AdminRequest request) {
        if (request.origin().isEmpty()) {
            return Optional.empty();
        }
        String origin = request.origin().get();
        String authority;
        try {
            URI uri = URI.create(origin);
            authority = uri.getRawAuthority();
        } catch (IllegalArgumentException e) {
            authority = null;
        }
        String host = request.host().orElse("");
        if (authority != null && authority.equalsIgnoreCase(host)) {
            return Optional.empty();
        }
        return Optional.of(Problem.forbidden("requests from web pages of other origins are refused (Origin \""
                + origin + "\", expected: the admin API's own, http://" + host + ")"));
    }

    /** The host of a {@code Host} header, without port, lower case; IPv6 keeps its brackets. */
    private static String hostOnly(String header) {
        String h = header.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            return close < 0 ? h : h.substring(0, close + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
