package dev.gatehouse.admin;

import java.util.Locale;

/**
 * The {@code Host} values a tokenless admin API answers to: exactly {@code localhost}, an IPv4 loopback literal in
 * canonical dotted-decimal form ({@code 127.0.0.1} .. {@code 127.255.255.255}) or {@code [::1]}, each with the admin
 * listener's port or none. Nothing else, not even a name that merely starts like one ({@code 127.0.0.1.evil.example},
 * {@code localhost.}): such a name can be pointed at 127.0.0.1 by whoever owns it, which is how a web page reaches a
 * loopback service through DNS rebinding. Browsers write IP hosts in canonical form, so other spellings need not pass.
 */
final class LoopbackAuthority {
    /** What a refused Host should have been. */
    static String expectedHost(int port) {
        return "localhost, an IPv4 loopback address such as 127.0.0.1, or [::1], with port " + port + " or none";
    }

    /** What a refused Origin should have been: the listener's own origins. */
    static String expectedOrigin(int port) {
        return "http://localhost:" + port + ", http://127.0.0.1:" + port + " (or another 127.x.y.z) or http://[::1]:" + port;
    }

    private LoopbackAuthority() {
    }

    /** Whether {@code authority} ({@code host[:port]}, as in a Host header) is a loopback name with port {@code port}. */
    static boolean accepts(String authority, int port) {
        String a = authority.toLowerCase(Locale.ROOT);
        String host;
        String portText;
        if (a.startsWith("[")) {
            int close = a.indexOf(']');
            if (close < 0) {
                return false;
            }
            host = a.substring(0, close + 1);
            portText = a.substring(close + 1);
        } else {
            int colon = a.indexOf(':');
            host = colon < 0 ? a : a.substring(0, colon);
            portText = colon < 0 ? "" : a.substring(colon);
        }
        return isLoopbackHost(host) && (portText.isEmpty() || portText.equals(":" + port));
    }

    /** {@code localhost}, {@code [::1]} or a canonical IPv4 loopback literal (lower case). */
    static boolean isLoopbackHost(String host) {
        return host.equals("localhost") || host.equals("[::1]") || isIpv4Loopback(host);
    }

    private static boolean isIpv4Loopback(String host) {
        String[] octets = host.split("\\.", -1);
        if (octets.length != 4 || !octets[0].equals("127")) {
            return false;
        }
        for (String o : octets) {
            if (o.isEmpty() || o.length() > 3 || (o.length() > 1 && o.charAt(0) == '0') || !o.chars().allMatch(
                    c -> c >= '0' && c <= '9') || Integer.parseInt(o) > 255) {
                return false;
            }
        }
        return true;
    }
}
