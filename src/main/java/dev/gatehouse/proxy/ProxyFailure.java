package dev.gatehouse.proxy;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;

/**
 * Why forwarding failed, and the one place that decides what the client is told: 502 when the upstream refused,
 * reset or spoke nonsense, 504 when it was too slow.
 *
 * @param status  what the client gets
 * @param cause   a short word for logs ({@code connect-refused}, {@code header-timeout} ...)
 * @param message the plain-text body the client gets
 */
record ProxyFailure(HttpResponseStatus status, String cause, String message) {

    static final ProxyFailure NO_TARGET = new ProxyFailure(HttpResponseStatus.SERVICE_UNAVAILABLE, "no-target",
            "503 Service Unavailable: no upstream target is available");
    static final ProxyFailure QUEUE_FULL = new ProxyFailure(HttpResponseStatus.SERVICE_UNAVAILABLE, "queue-full",
            "503 Service Unavailable: every upstream target is busy and the queue is full");
    static final ProxyFailure QUEUE_TIMEOUT = new ProxyFailure(HttpResponseStatus.SERVICE_UNAVAILABLE,
            "queue-timeout", "503 Service Unavailable: every upstream target stayed busy");
    static final ProxyFailure HEADER_TIMEOUT = new ProxyFailure(HttpResponseStatus.GATEWAY_TIMEOUT, "header-timeout",
            "504 Gateway Timeout: the upstream did not answer in time");
    static final ProxyFailure IDLE_TIMEOUT = new ProxyFailure(HttpResponseStatus.GATEWAY_TIMEOUT, "idle-timeout",
            "504 Gateway Timeout: the upstream stopped sending");
    static final ProxyFailure CLOSED = new ProxyFailure(HttpResponseStatus.BAD_GATEWAY, "upstream-closed",
            "502 Bad Gateway: the upstream closed the connection before answering");

    /** Classifies an exception from connecting to or talking with an upstream. */
    static ProxyFailure of(Throwable t) {
        if (t instanceof ConnectTimeoutException) {
            return new ProxyFailure(HttpResponseStatus.GATEWAY_TIMEOUT, "connect-timeout",
                    "504 Gateway Timeout: could not connect to the upstream in time");
        }
        if (t instanceof ConnectException) {
            return new ProxyFailure(HttpResponseStatus.BAD_GATEWAY, "connect-refused",
                    "502 Bad Gateway: the upstream refused the connection");
        }
        if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
            return new ProxyFailure(HttpResponseStatus.BAD_GATEWAY, "unresolved",
                    "502 Bad Gateway: the upstream's address could not be resolved");
        }
        if (t instanceof ClosedChannelException) {
            return CLOSED;
        }
        if (t instanceof IOException) {
            return new ProxyFailure(HttpResponseStatus.BAD_GATEWAY, "upstream-reset",
                    "502 Bad Gateway: the connection to the upstream was reset");
        }
        return new ProxyFailure(HttpResponseStatus.BAD_GATEWAY, "upstream-protocol",
                "502 Bad Gateway: the upstream sent an invalid response");
    }

    /** Whether trying another target is always safe: nothing reached the upstream. */
    boolean beforeConnect() {
        return cause.startsWith("connect-") || cause.equals("unresolved");
    }
}
