package dev.gatehouse.config;

import java.time.Duration;

/**
 * Timeouts, written under {@code timeouts:}.
 *
 * @param connect         upstream TCP connect (default 5s); exceeded: 504
 * @param upstreamHeader  from request sent to response headers received (default 60s); exceeded: 504
 * @param idle            a keep-alive connection with nothing in flight, either side (default 60s)
 * @param clientHeader    a client's whole request head must arrive within this (default 10s); exceeded: 408
 * @param websocket       idle time of a tunnelled WebSocket/upgrade in both directions (default 1h)
 * @param shutdown        grace period for in-flight requests on SIGTERM (default 30s)
 * @param clientBody      the longest pause between two reads of a request body (default 60s, as nginx's
 *                        {@code client_body_timeout}); exceeded: 408 and close, the upstream request aborted
 */
public record Timeouts(Duration connect, Duration upstreamHeader, Duration idle, Duration clientHeader,
                       Duration websocket, Duration shutdown, Duration clientBody) {
    public static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(60),
            Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofHours(1), Duration.ofSeconds(30),
            Duration.ofSeconds(60));
}
