package dev.gatehouse.admin;

import java.util.Objects;
import java.util.Optional;

/**
 * One admin API request, copied off the Netty request so it can be answered on another thread.
 *
 * @param authorization the {@code Authorization} header
 * @param host          the {@code Host} header
 * @param origin        the {@code Origin} header, which browsers send with cross-origin and non-GET requests
 */
record AdminRequest(String method, String uri, String body, Optional<String> authorization, Optional<String> host,
                    Optional<String> origin) {
    AdminRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(authorization, "authorization");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(origin, "origin");
    }

    /** A request as a local tool sends it: Host 127.0.0.1, no token, no Origin (tests). */
    static AdminRequest local(String method, String uri, String body) {
        return new AdminRequest(method, uri, body, Optional.empty(), Optional.of("127.0.0.1"), Optional.empty());
    }
}
