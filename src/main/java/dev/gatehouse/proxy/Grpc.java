package dev.gatehouse.proxy;

import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * What Gatehouse knows of gRPC (the HTTP/2 protocol spec, "PROTOCOL-HTTP2.md"): which requests are gRPC calls,
 * their deadline ({@code grpc-timeout}), and how its own failures are told to a gRPC client, which only reads
 * {@code grpc-status} and ignores the HTTP status and body.
 */
final class Grpc {
    static final AsciiString GRPC_TIMEOUT = AsciiString.cached("grpc-timeout");
    static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
    static final AsciiString GRPC_MESSAGE = AsciiString.cached("grpc-message");
    static final AsciiString APPLICATION_GRPC = AsciiString.cached("application/grpc");
    /** Status codes (grpc/status.h). */
    static final int DEADLINE_EXCEEDED = 4;
    static final int UNAVAILABLE = 14;

    private Grpc() {
    }

    /** A gRPC call: {@code content-type: application/grpc} or {@code application/grpc+proto} and the like. */
    static boolean isGrpc(HttpHeaders headers) {
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        return type != null && type.regionMatches(true, 0, "application/grpc", 0, 16)
                && (type.length() == 16 || type.charAt(16) == '+' || type.charAt(16) == ';');
    }

    /**
     * {@code grpc-timeout}: 1 to 8 digits and a unit, H(ours) M(inutes) S(econds) m(illi) u(micro) n(ano).
     * Empty when absent or malformed (then the call has no deadline of its own, as a gRPC server would treat it).
     */
    static Optional<Duration> timeout(String value) {
        if (value == null || value.length() < 2 || value.length() > 9) {
            return Optional.empty();
        }
        long amount = 0;
        for (int i = 0; i < value.length() - 1; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return Optional.empty();
            }
            amount = amount * 10 + (c - '0');
        }
        ChronoUnit unit = switch (value.charAt(value.length() - 1)) {
            case 'H' -> ChronoUnit.HOURS;
            case 'M' -> ChronoUnit.MINUTES;
            case 'S' -> ChronoUnit.SECONDS;
            case 'm' -> ChronoUnit.MILLIS;
            case 'u' -> ChronoUnit.MICROS;
            case 'n' -> ChronoUnit.NANOS;
            default -> null;
        };
        return unit == null ? Optional.empty() : Optional.of(Duration.of(amount, unit));
    }

    /**
     * A trailers-only response for a call that never reached an upstream's answer: HTTP 200 (so that gRPC clients
     * read the status instead of inventing one from the HTTP code), no body, the status in the headers.
     */
    static FullHttpResponse trailersOnly(int status, String message) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, APPLICATION_GRPC);
        setStatus(response.headers(), status, message);
        return response;
    }

    /** The end of a response whose head was already sent: the status as trailers. */
    static LastHttpContent trailers(int status, String message) {
        LastHttpContent last = new DefaultLastHttpContent();
        setStatus(last.trailingHeaders(), status, message);
        return last;
    }

    private static void setStatus(HttpHeaders headers, int status, String message) {
        headers.set(GRPC_STATUS, Integer.toString(status));
        headers.set(GRPC_MESSAGE, percentEncode(message));
    }

    /** grpc-message is percent-encoded UTF-8: printable ASCII other than '%' stays as it is. */
    static String percentEncode(String message) {
        StringBuilder out = new StringBuilder(message.length());
        for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
            if (b >= 0x20 && b <= 0x7e && b != '%') {
                out.append((char) b);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
