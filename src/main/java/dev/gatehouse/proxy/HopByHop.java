package dev.gatehouse.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection and must not be forwarded. Includes every
 * header the {@code Connection} header names, which nginx and HAProxy forward and Gatehouse does not.
 */
final class HopByHop {
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    private static final AsciiString HTTP2_SETTINGS = AsciiString.cached("http2-settings");

    private HopByHop() {
    }

    /**
     * Removes the hop-by-hop headers. {@code Transfer-Encoding} stays: the codec re-applies chunked framing on the
     * next hop from it. {@code Upgrade} stays only when {@code keepUpgrade}.
     */
    static void strip(HttpHeaders headers, boolean keepUpgrade) {
        List<String> named = new ArrayList<>();
        for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                String t = token.trim().toLowerCase(Locale.ROOT);
                if (!t.isEmpty()) {
                    named.add(t);
                }
            }
        }
        for (String name : named) {
            // "Connection: upgrade" names Upgrade: a relayed upgrade must keep it, or the peer sees no upgrade.
            if (!isEndToEndFraming(name) && !(keepUpgrade && name.equals("upgrade"))) {
                headers.remove(name);
            }
        }
        headers.remove(HttpHeaderNames.CONNECTION);
        headers.remove(HttpHeaderNames.KEEP_ALIVE);
        headers.remove(PROXY_CONNECTION);
        headers.remove(HttpHeaderNames.PROXY_AUTHENTICATE);
        headers.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
        headers.remove(HttpHeaderNames.TRAILER);
        headers.remove(HTTP2_SETTINGS);
        if (!keepUpgrade) {
            headers.remove(HttpHeaderNames.UPGRADE);
        }
    }

    /** A client may list these in Connection, but removing them would change how the body is framed. */
    private static boolean isEndToEndFraming(String name) {
        return name.equals("content-length") || name.equals("transfer-encoding") || name.equals("host");
    }
}
