package dev.gatehouse.config;

import java.util.Objects;

/**
 * An address written {@code host:port} or {@code [v6]:port}; the host is kept without brackets.
 * Bare IPv6 ({@code ::1:8080}) is rejected: its last colon is ambiguous.
 */
public record HostPort(String host, int port) {
    public static final String EXPECTED = "expected: like 127.0.0.1:8080, backend.internal:8080 or [::1]:8080";

    /**
     * Parses {@code host:port}.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public static HostPort parse(String text) {
        return parse(text, 1);
    }

    /** Parses {@code host:port} with a port from {@code minPort} (0 lets the system pick one, for listeners). */
    static HostPort parse(String text, int minPort) {
        Objects.requireNonNull(text, "text");
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw notHostPort(text);
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (host.indexOf(':') < 0 || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                throw notHostPort(text);
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0) {
                throw notHostPort(text);
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            // Letters, digits, dots, hyphens and underscores (Docker service names use them); no colons.
            if (!host.matches("[A-Za-z0-9._-]+")) {
                throw notHostPort(text);
            }
        }
        return new HostPort(host, port(text, port, minPort));
    }

    private static int port(String text, String port, int minPort) {
        if (!port.matches("\\d{1,5}")) {
            throw notHostPort(text);
        }
        int p = Integer.parseInt(port);
        if (p < minPort || p > 65535) {
            throw new IllegalArgumentException("\"" + text + "\": port " + p + " is out of range (expected: "
                    + minPort + "..65535)");
        }
        return p;
    }

    private static IllegalArgumentException notHostPort(String text) {
        return new IllegalArgumentException("\"" + text + "\" is not host:port (" + EXPECTED + ")");
    }
}
