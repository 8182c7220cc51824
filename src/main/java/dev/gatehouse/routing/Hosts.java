package dev.gatehouse.routing;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

import java.util.Locale;

/** The host a request is routed by. */
public final class Hosts {
    private Hosts() {
    }

    /** Host from the absolute-form target (RFC 9112 §3.2.2), else the Host header; lower case, port dropped. */
    public static String of(HttpRequest request) {
        String uri = request.uri();
        String authority;
        if (!uri.startsWith("/") && uri.contains("://")) {
            int start = uri.indexOf("://") + 3;
            int end = start;
            while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
                end++;
            }
            authority = uri.substring(start, end);
        } else {
            authority = request.headers().get(HttpHeaderNames.HOST, "");
        }
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        }
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            return (close > 0 ? authority.substring(1, close) : authority).toLowerCase(Locale.ROOT);
        }
        int colon = authority.indexOf(':');
        String host = colon >= 0 ? authority.substring(0, colon) : authority;
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host.toLowerCase(Locale.ROOT);
    }
}
