package dev.gatehouse.http;

import dev.gatehouse.config.Cidr;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every request's id ({@code X-Request-Id}): kept from a trusted proxy in front of Gatehouse, so one id follows the
 * request through every hop, else made here. Ids correlate log lines; they are not secrets, so a fast
 * non-cryptographic random number is enough (no SecureRandom on the event loop).
 */
public final class RequestIds {
    public static final AsciiString HEADER = AsciiString.cached("x-request-id");
    /** Longer ids are replaced: they would bloat every log line and upstream request. */
    public static final int MAX_LENGTH = 200;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {
    }

    /**
     * The id of a request: its {@code X-Request-Id} when the peer is one of {@code trustedProxies} and the value is
     * {@link #isSane sane}, else a new one.
     */
    public static String of(HttpHeaders headers, InetAddress peer, List<Cidr> trustedProxies) {
        String given = headers.get(HEADER);
        if (given != null && isSane(given) && isTrusted(peer, trustedProxies)) {
            return given;
        }
        return generate();
    }

    /** 1 to {@link #MAX_LENGTH} visible ASCII characters (no spaces, no control bytes): safe in logs and headers. */
    public static boolean isSane(String id) {
        int n = id.length();
        if (n == 0 || n > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** 16 lower-case hex digits (64 random bits). */
    public static String generate() {
        long bits = ThreadLocalRandom.current().nextLong();
        char[] out = new char[16];
        for (int i = 15; i >= 0; i--) {
            out[i] = HEX[(int) (bits & 0xf)];
            bits >>>= 4;
        }
        return new String(out);
    }

    private static boolean isTrusted(InetAddress peer, List<Cidr> trustedProxies) {
        for (Cidr c : trustedProxies) {
            if (c.contains(peer)) {
                return true;
            }
        }
        return false;
    }
}
