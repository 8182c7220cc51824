package dev.gatehouse.http;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Sees one exchange's response on its way to the client, registered by a stage with
 * {@link Exchange#filterResponse}: every response the exchange writes passes through it, whoever wrote it (an
 * upstream's answer, a file, a redirect, Gatehouse's own 404, 502 or 504). A filter can change the head, transform
 * the body piece by piece (compression), replace the whole response (error pages), or copy it (a cache store).
 *
 * <p>A filter gets the response as one {@link HttpResponse} head (never a {@code FullHttpResponse}: a whole response
 * arrives as its head, then its body as one {@link LastHttpContent}), then zero or more {@link HttpContent} pieces,
 * the last one a {@link LastHttpContent}; what it writes may take either shape. Interim responses (1xx) and a 101's
 * switch to another protocol pass by without filters. The filter owns every message it is given: it passes it on
 * with {@link ResponseOutput#write}, or releases it (and may write others instead). It must have written its whole
 * response by the time it has seen the {@link LastHttpContent}.
 *
 * <p>Backpressure comes for free: whatever a filter writes goes to the client connection at once, and the producer
 * (the proxy reading from an upstream, a file being read) stops while that connection is not writable. A filter
 * that holds data back (a compressor's window) holds it only until the next piece, {@link #flush} or the end.
 * All methods run on the client's event loop, in order; one filter object per exchange unless it keeps no state.
 */
public interface ResponseFilter {

    /** The response head: change its status or headers and pass it on, or release it and write another. */
    default void head(HttpResponse head, ResponseOutput out) {
        out.write(head);
    }

    /** A piece of the body; the last one is a {@link LastHttpContent} (with the trailers, if any). */
    default void content(HttpContent content, ResponseOutput out) {
        out.write(content);
    }

    /** The producer flushed what it wrote so far (a streamed response): write out what is held back, if anything. */
    default void flush(ResponseOutput out) {
    }

    /**
     * The exchange ended before the response did (the client went away, the upstream broke off mid-body): release
     * whatever is held. Not called after a complete response.
     */
    default void abandoned() {
    }
}
