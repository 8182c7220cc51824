package dev.gatehouse.http;

import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The per-request side of a {@link Handler}. Every method runs on the client channel's event loop.
 * The same flow serves HTTP/1.1 connections and (later) HTTP/2 streams, which carry the same HTTP objects.
 */
public interface RequestFlow {

    /** A flow that ignores (releases) the request body: for handlers that answer from the head alone. */
    RequestFlow DISCARD_BODY = new RequestFlow() {
    };

    /** A piece of the request body; the flow owns {@code content} and must release or pass it on. */
    default void content(HttpContent content) {
        ReferenceCountUtil.release(content);
    }

    /** The client's socket read batch ended: a good moment to flush what was written upstream. */
    default void clientReadComplete() {
    }

    /** The client connection became writable again (it had been backed up). */
    default void clientWritable() {
    }

    /** The client connection closed before the exchange finished. */
    default void clientClosed() {
    }

    /** The server gave up on this exchange (body over the limit, shutdown): release everything held. */
    default void abort() {
    }

    /** The client connection saw no traffic for the idle timeout while this exchange was running. */
    default void clientIdle() {
    }
}
