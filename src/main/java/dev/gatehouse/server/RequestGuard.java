package dev.gatehouse.server;

import dev.gatehouse.config.Limits;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

import java.util.List;
import java.util.Optional;

/**
 * Checks a request head before anything acts on it. Every refusal is final: the answer is sent and the connection
 * closed, because after a malformed head nobody can tell where the next request would start.
 */
final class RequestGuard {

    /** A refused request: the status and the one-line reason the client reads. */
    record Refusal(HttpResponseStatus status, String reason) {
    }

    private final Limits limits;

    RequestGuard(Limits limits) {
        this.limits = limits;
    }

    Optional<Refusal> check(HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            return Optional.of(decoderFailure(result.cause()));
        }
        HttpVersion version = request.protocolVersion();
        if (version.majorVersion() != 1 || version.minorVersion() > 1) {
            return refuse(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "HTTP/1.0 and HTTP/1.1 are supported");
        }
        Optional<Refusal> coding = transferCoding(request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING));
        if (coding.isPresent()) {
            return coding;
        }
        if (request.uri().length() > limits.maxUri()) {
            return refuse(HttpResponseStatus.REQUEST_URI_TOO_LONG, "the request URI is longer than " + limits.maxUri() + " bytes");
        }
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return refuse(HttpResponseStatus.BAD_REQUEST, "more than one Host header");
        }
        if (hosts.isEmpty() && version.equals(HttpVersion.HTTP_1_1)) {
            return refuse(HttpResponseStatus.BAD_REQUEST, "HTTP/1.1 requests need a Host header");
        }
        if (!hosts.isEmpty() && !validHost(hosts.get(0))) {
            return refuse(HttpResponseStatus.BAD_REQUEST, "the Host header is not a valid host");
        }
        if (!validTarget(request.uri())) {
            return refuse(HttpResponseStatus.BAD_REQUEST, "the request target is not valid");
        }
        long length = HttpUtil.getContentLength(request, -1L);
        if (limits.maxBody() > 0 && length > limits.maxBody()) {
            return refuse(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "the body is larger than " + limits.maxBody() + " bytes");
        }
        return Optional.empty();
    }

    /**
     * RFC 9112 §6.1: chunked is the only transfer coding Gatehouse implements; a request with another one
     * ({@code gzip, chunked}) gets 501, as nginx answers. (The decoder already refused, with 400, codings that do not
     * end in chunked: such a body has no length, RFC 9112 §6.3.)
     */
    private static Optional<Refusal> transferCoding(List<String> fields) {
        if (fields.isEmpty() || fields.size() == 1 && fields.get(0).strip().equalsIgnoreCase("chunked")) {
            return Optional.empty();
        }
        return refuse(HttpResponseStatus.NOT_IMPLEMENTED, "the transfer coding \""
                + sanitize(String.join(", ", fields)) + "\" is not supported (expected: chunked)");
    }

    private static Refusal decoderFailure(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return new Refusal(HttpResponseStatus.REQUEST_URI_TOO_LONG, "the request line is too long");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return new Refusal(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "the request headers are too large");
        }
        if (cause instanceof TooLongFrameException) {
            return new Refusal(HttpResponseStatus.BAD_REQUEST, "a part of the request is too long");
        }
        String detail = cause.getMessage() == null ? "malformed request" : cause.getMessage();
        return new Refusal(HttpResponseStatus.BAD_REQUEST, "malformed request: " + sanitize(detail));
    }

    private static Optional<Refusal> refuse(HttpResponseStatus status, String reason) {
        return Optional.of(new Refusal(status, reason));
    }

    /** Host names, IPv4, bracketed IPv6, an optional port; nothing that could smuggle a path or a header. */
    static boolean validHost(String host) {
        if (host.isEmpty() || host.length() > 255) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '.' || c == '-' || c == ':' || c == '[' || c == ']' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Origin-form, absolute-form (http/https) or {@code *}; no spaces or control bytes. */
    private static boolean validTarget(String uri) {
        if (uri.isEmpty()) {
            return false;
        }
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return false;
            }
        }
        return uri.charAt(0) == '/' || uri.equals("*") || uri.regionMatches(true, 0, "http://", 0, 7)
                || uri.regionMatches(true, 0, "https://", 0, 8);
    }

    /** Keeps decoder messages printable and short: they are echoed to the client. */
    private static String sanitize(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 120; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }
}
