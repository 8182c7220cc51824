package dev.gatehouse.http;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * Changes the request head the proxy sends upstream, at the two moments a stage cannot see from {@code begin}: after
 * the proxy has set its own headers (X-Forwarded-*, X-Real-IP, X-Request-Id), so that a rule can replace or remove
 * them, and each time a target is picked (again on a retry), for values that name it. Registered with
 * {@link Exchange#editUpstreamHead}; shared by all requests of a route, so it keeps no state of its own.
 */
public interface UpstreamHeadEditor {

    /** The proxy has prepared the head (once per exchange). */
    default void prepared(HttpHeaders headers, Exchange exchange) {
    }

    /** A target was picked ({@link Exchange#target()} names it); called again for each retry on another one. */
    default void targetPicked(HttpHeaders headers, Exchange exchange) {
    }
}
