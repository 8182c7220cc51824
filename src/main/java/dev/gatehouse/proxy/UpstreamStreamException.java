package dev.gatehouse.proxy;

import java.io.IOException;

/**
 * An HTTP/2 upstream ended one stream early: RST_STREAM, or a GOAWAY whose last-stream-id is below the stream.
 * {@link #refused()} means the upstream did not process the request (REFUSED_STREAM, RFC 9113 §8.7, or above a
 * GOAWAY's last-stream-id, §6.8), so sending it again is safe whatever its method.
 */
final class UpstreamStreamException extends IOException {
    private static final long serialVersionUID = 1L;

    private final boolean refused;

    UpstreamStreamException(String message, boolean refused) {
        super(message);
        this.refused = refused;
    }

    boolean refused() {
        return refused;
    }
}
