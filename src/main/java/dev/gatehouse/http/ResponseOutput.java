package dev.gatehouse.http;

import io.netty.handler.codec.http.HttpObject;

/** Where a {@link ResponseFilter} writes: the next filter toward the client, or the client connection. */
@FunctionalInterface
public interface ResponseOutput {
    /** Passes {@code msg} on; ownership goes with it. */
    void write(HttpObject msg);
}
