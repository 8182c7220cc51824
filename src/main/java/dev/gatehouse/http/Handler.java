package dev.gatehouse.http;

/**
 * What a route does, built once per config and shared by every event loop. {@link #begin} is called on the
 * client's event loop with the request head; the returned flow receives the body and events of that one request.
 */
@FunctionalInterface
public interface Handler {
    RequestFlow begin(Exchange exchange);
}
