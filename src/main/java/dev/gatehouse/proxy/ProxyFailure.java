package dev.gatehouse.proxy;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;

/**
 * Why forwarding failed, and the one place that decides what the client is told: 502 when the upstream refused,
 * reset or spoke nonsense, 504 when it was too slow. A gRPC client is told the same as a gRPC status instead
 * ({@link #grpcStatus()}, {@link #grpcResponse()}).
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

    /** The response broke HTTP's rules ({@link InvalidResponseException}): never relayed, never retried. */
    static final ProxyFailure INVALID_RESPONSE = new ProxyFailure(HttpResponseStatus.BAD_GATEWAY,
            "upstream-protocol", "502 Bad Gateway: the upstream sent an invalid response");
    static final ProxyFailure STREAM_REFUSED = new ProxyFailure(HttpResponseStatus.BAD_GATEWAY, "stream-refused",
            "502 Bad Gateway: the upstream refused the request stream");
    static final ProxyFailure GRPC_DEADLINE = new ProxyFailure(HttpResponseStatus.GATEWAY_TIMEOUT, "grpc-deadline",
            "504 Gateway Timeout: the call's grpc-timeout passed");

    /** Classifies an exception from connecting to or talking with an upstream. */
    static ProxyFailure of(Throwable t) {
        SSLException tls = tlsCause(t);
        if (tls != null) {
            // Certificate not trusted, wrong name, no h2 via ALPN: the log line carries the exception's message.
            return new ProxyFailure(HttpResponseStatus.BAD_GATEWAY, "upstream-tls",
                    "502 Bad Gateway: the TLS connection to the upstream failed");
        }
        if (t instanceof UpstreamStreamException stream) {
            return stream.refused() ? STREAM_REFUSED : new ProxyFailure(HttpResponseStatus.BAD_GATEWAY,
                    "upstream-reset", "502 Bad Gateway: the upstream reset the request stream");
        }
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
        return INVALID_RESPONSE;
    }

    /**
     * The part of a log line that says why, after the cause word: {@code ": message"}, or empty. For TLS the
     * innermost message, which names the real problem ("PKIX path building failed: ...", "No subject alternative
     * names matching ...") where the engine's own says only "General OpenSslEngine problem".
     */
    static String detail(Throwable t) {
        if (t == null) {
            return "";
        }
        Throwable shown = t;
        if (tlsCause(t) != null) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c.getMessage() != null) {
                    shown = c;
                }
            }
        }
        return shown.getMessage() == null ? "" : ": " + shown.getMessage();
    }

    private static SSLException tlsCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLException ssl) {
                return ssl;
            }
        }
        return null;
    }

    /**
     * The gRPC status for a gRPC call (grpc/doc/statuscodes.md): DEADLINE_EXCEEDED when time ran out while
     * waiting for the upstream, UNAVAILABLE for everything else (no target, refused, reset, busy): the client may
     * retry those.
     */
    int grpcStatus() {
        return switch (cause) {
            case "header-timeout", "idle-timeout", "grpc-deadline" -> Grpc.DEADLINE_EXCEEDED;
            default -> Grpc.UNAVAILABLE;
        };
    }

    /** The gRPC message: the HTTP message without its status line prefix ("502 Bad Gateway: "). */
    String grpcMessage() {
        int colon = message.indexOf(": ");
        return colon < 0 ? message : message.substring(colon + 2);
    }

    /** What a gRPC client gets when nothing of the upstream's response was sent: a trailers-only response. */
    FullHttpResponse grpcResponse() {
        return Grpc.trailersOnly(grpcStatus(), grpcMessage());
    }

    /** What ends a gRPC response that had started when the failure came. */
    LastHttpContent grpcTrailers() {
        return Grpc.trailers(grpcStatus(), grpcMessage());
    }

    /** Whether trying another target is always safe: nothing reached the upstream. */
    boolean beforeConnect() {
        return cause.startsWith("connect-") || cause.equals("unresolved");
    }
}
