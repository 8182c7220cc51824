package dev.gatehouse.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Addresses a listener binds: IP literals checked by their rules (no DNS lookup), host names by theirs; and whether
 * two listeners' addresses overlap, so that they may not share a port.
 */
final class BindAddresses {
    static final String EXPECTED = "expected: like 0.0.0.0, :: or 127.0.0.1";

    private BindAddresses() {
    }

    /** What is wrong with {@code address} as an address to bind, or empty when nothing is. */
    static Optional<String> problem(String address) {
        if (address.indexOf(':') >= 0) {
            return isIpv6(address) ? Optional.empty() : Optional.of("is not an IPv6 address");
        }
        if (address.matches("[0-9.]+")) {
            return ipv4Problem(address).map(why -> "is not an IPv4 address: " + why);
        }
        return isHostName(address) ? Optional.empty() : Optional.of("is not an IP address or host name");
    }

    private static Optional<String> ipv4Problem(String address) {
        String[] parts = address.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.of(parts.length + " numbers (expected 4)");
        }
        for (String p : parts) {
            if (p.isEmpty()) {
                return Optional.of("a number is missing");
            }
            if (p.length() > 1 && p.charAt(0) == '0') {
                return Optional.of(p + " has a leading zero"); // some parsers read it as octal
            }
            if (p.length() > 3 || Integer.parseInt(p) > 255) {
                return Optional.of(p + " is over 255");
            }
        }
        return Optional.empty();
    }

    /** The JDK parses any text with a colon as an IPv6 literal, without asking DNS. */
    private static boolean isIpv6(String address) {
        if (!address.matches("[0-9A-Fa-f:.]+")) {
            return false;
        }
        try {
            InetAddress.getByName(address);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** RFC 1123 labels: letters, digits and inner hyphens, 1 to 63 characters; at most 253 in all. */
    private static boolean isHostName(String name) {
        return name.length() <= 253 && name.matches("([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)"
                + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
    }

    /**
     * Whether sockets bound on {@code a} and {@code b} with one port would collide: the same address, or a wildcard
     * that includes the other ({@code ::} takes IPv4 too on a dual-stack system). {@code localhost} is loopback.
     */
    static boolean overlap(String a, String b) {
        String x = normalize(a);
        String y = normalize(b);
        if (x.equals(y) || x.equals("::") || y.equals("::")) {
            return true;
        }
        return x.equals("0.0.0.0") && y.indexOf(':') < 0 || y.equals("0.0.0.0") && x.indexOf(':') < 0;
    }

    private static String normalize(String address) {
        String a = address.toLowerCase(Locale.ROOT);
        if (a.equals("localhost")) {
            return "127.0.0.1";
        }
        if (a.indexOf(':') >= 0 && isIpv6(a)) {
            try {
                String canonical = InetAddress.getByName(a).getHostAddress();
                return canonical.equals("0:0:0:0:0:0:0:0") ? "::" : canonical.equals("0:0:0:0:0:0:0:1") ? "::1" : canonical;
            } catch (UnknownHostException e) {
                return a;
            }
        }
        return a;
    }
}
