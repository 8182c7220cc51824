package dev.gatehouse.server;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Optional;

/**
 * The rules every piece of a request body meets, on an HTTP/1.1 connection and on an HTTP/2 stream alike: it was
 * decoded cleanly, and the body stays within {@code limits.max_body}. What a broken rule does to the connection
 * differs by protocol and stays with the caller.
 */
final class BodyRules {
    /** A broken rule: the answer to give while the response has not started. */
    record Broken(HttpResponseStatus status, String message) {
    }

    /** {@code timeouts.client_body}: the body paused for longer between two reads. */
    static final Broken STALLED = new Broken(HttpResponseStatus.REQUEST_TIMEOUT,
            "408 Request Timeout: the request body paused for longer than timeouts.client_body");

    private BodyRules() {
    }

    /**
     * @param bodyBytes the body's bytes so far, this piece included
     * @param maxBody   {@code limits.max_body}; 0 for no limit
     */
    static Optional<Broken> check(HttpContent content, long bodyBytes, long maxBody) {
        if (content.decoderResult().isFailure()) {
            return Optional.of(new Broken(HttpResponseStatus.BAD_REQUEST, "400 Bad Request: malformed request body"));
        }
        if (maxBody > 0 && bodyBytes > maxBody) {
            return Optional.of(new Broken(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "413 Content Too Large: the body is larger than " + maxBody + " bytes"));
        }
        return Optional.empty();
    }
}
