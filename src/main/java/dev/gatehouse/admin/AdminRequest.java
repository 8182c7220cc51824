package dev.gatehouse.admin;

import java.util.Objects;
import java.util.Optional;

/**
 * One admin API request, copied off the Netty request so it can be answered on another thread.
 *
 * @param authorization the {@code Authorization} header
 * @param host          the {@code Host} header
 * @param origin        the {@code Origin} header, which browsers send with cross-origin and non-GET requests
 * @param fetchSite     the {@code Sec-Fetch-Site} header, which browsers send to say whose page made the request
 * @param contentType   the {@code Content-Type} header
 */
record AdminRequest(String method, String uri, String body, Optional<String> authorization, Optional<String> host,
                    Optional<String> origin, Optional<String> fetchSite, Optional<String> contentType) {
    AdminRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(authorization, "authorization");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(fetchSite, "fetchSite");
        Objects.requireNonNull(contentType, "contentType");
    }

    /** A request as a local tool sends it: Host 127.0.0.1, no token, no Origin, a JSON body when there is one (tests). */
    static AdminRequest local(String method, String uri, String body) {
        return new AdminRequest(method, uri, body, Optional.empty(), Optional.of("127.0.0.1"), Optional.empty(),
                Optional.empty(), body.isEmpty() ? Optional.empty() : Optional.of("application/json"));
    }
}
