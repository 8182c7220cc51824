package dev.gatehouse.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * Who may use the admin API. With a token, every request but the dashboard page itself must carry
 * {@code Authorization: Bearer TOKEN}. Without one (loopback listeners only), the {@code Host} must be a loopback name
 * ({@link LoopbackAuthority}), so a web page cannot reach the API through DNS rebinding. Either way a request that a
 * browser sends from another site's page ({@code Sec-Fetch-Site}) or another origin ({@code Origin}) is refused, so
 * a page the operator visits cannot use the API from their browser.
 */
final class AdminAccess {
    private final Optional<byte[]> tokenHash;
    private final IntSupplier adminPort;

    /** @param adminPort the admin listener's bound port, which Host and Origin must name when they name one */
    AdminAccess(Optional<String> token, IntSupplier adminPort) {
        this.tokenHash = token.map(AdminAccess::sha256);
        this.adminPort = adminPort;
    }

    /** The problem that refuses {@code request}, or empty when it may go on. */
    Optional<Problem> check(AdminRequest request, boolean dashboardPage) {
        Optional<Problem> browser = fetchSite(request).or(() -> origin(request));
        if (browser.isPresent()) {
            return browser;
        }
        if (tokenHash.isEmpty()) {
            return loopbackHost(request.host());
        }
        return dashboardPage ? Optional.empty() : bearer(request.authorization());
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

    private Optional<Problem> loopbackHost(Optional<String> host) {
        if (host.isPresent() && LoopbackAuthority.accepts(host.get().strip(), adminPort.getAsInt())) {
            return Optional.empty();
        }
        return Optional.of(Problem.forbidden(host.map(h -> "Host \"" + h + "\" is not").orElse("a request without Host is not")
                + " a loopback name of this listener (expected: " + LoopbackAuthority.expectedHost(adminPort.getAsInt())
                + "; an admin API without a token answers only those, so web pages cannot reach it through DNS rebinding)"));
    }

    /** Browsers say where a request comes from (Fetch Metadata); other sites' pages are refused outright. */
    private static Optional<Problem> fetchSite(AdminRequest request) {
        String site = request.fetchSite().map(s -> s.strip().toLowerCase(Locale.ROOT)).orElse("");
        if (site.equals("cross-site") || site.equals("same-site")) {
            return Optional.of(Problem.forbidden("requests from web pages of other sites are refused (Sec-Fetch-Site: "
                    + site + "; expected: same-origin or none)"));
        }
        return Optional.empty();
    }

    /**
     * Browsers send Origin with cross-origin and non-GET requests. Without a token only the admin listener's own
     * loopback origins pass; with one, the origin must be the one the Host names.
     */
    private Optional<Problem> origin(AdminRequest request) {
        if (request.origin().isEmpty()) {
            return Optional.empty();
        }
        String origin = request.origin().get().strip();
        String lower = origin.toLowerCase(Locale.ROOT);
        String authority = lower.startsWith("http://") ? lower.substring(7) : null;
        boolean own;
        if (authority == null || authority.isEmpty() || authority.contains("/")) {
            own = false;
        } else if (tokenHash.isEmpty()) {
            boolean hasPort = authority.lastIndexOf(':') > authority.lastIndexOf(']');
            own = LoopbackAuthority.accepts(hasPort ? authority : authority + ":80", adminPort.getAsInt());
        } else {
            own = authority.equalsIgnoreCase(request.host().orElse("").strip());
        }
        if (own) {
            return Optional.empty();
        }
        String expected = tokenHash.isEmpty() ? LoopbackAuthority.expectedOrigin(adminPort.getAsInt())
                : "the admin API's own, http://" + request.host().orElse("");
        return Optional.of(Problem.forbidden("requests from web pages of other origins are refused (Origin \""
                + origin + "\"; expected: " + expected + ")"));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
