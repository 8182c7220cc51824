package dev.gatehouse.http;

import dev.gatehouse.config.Cidr;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Who the client of a request is. A peer in {@code trusted_proxies} is another proxy in front of Gatehouse, and its
 * {@code X-Forwarded-For} (or, without one, its RFC 7239 {@code Forwarded}) names the hops before it: the client is
 * the right-most address in that chain that is not itself a trusted proxy. Anyone else's headers are not believed:
 * the peer is the client. Routing ({@code source:}), allow/deny, rate limits, the access log and {@code {client_ip}}
 * all see this one address.
 */
public final class ClientAddresses {
    public static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    public static final AsciiString FORWARDED = AsciiString.cached("forwarded");

    private final List<Cidr> trustedProxies;

    public ClientAddresses(List<Cidr> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    /** Whether {@code address} is one of the trusted proxies. */
    public boolean isTrusted(InetAddress address) {
        for (int i = 0; i < trustedProxies.size(); i++) {
            if (trustedProxies.get(i).contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The client of a request that {@code peer} sent with {@code headers}. */
    public InetAddress resolve(InetAddress peer, HttpHeaders headers) {
        if (trustedProxies.isEmpty() || !isTrusted(peer)) {
            return peer;
        }
        List<String> xff = headers.getAll(X_FORWARDED_FOR);
        if (!xff.isEmpty()) {
            return walk(peer, xffHops(xff));
        }
        List<String> forwarded = headers.getAll(FORWARDED);
        if (!forwarded.isEmpty()) {
            return walk(peer, ForwardedHeader.forValues(forwarded));
        }
        return peer;
    }

    /**
     * Walks the hops from the right: the first that is not trusted is the client. A hop that is not an address
     * (garbage, {@code unknown}, an obfuscated name) ends the walk at the last trusted hop, since nothing to its left
     * can be believed. When every hop is trusted, the left-most one is the client.
     */
    private InetAddress walk(InetAddress peer, List<String> hops) {
        InetAddress current = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = parseNode(hops.get(i));
            if (hop == null) {
                return current;
            }
            current = hop;
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return current;
    }

    private static List<String> xffHops(List<String> values) {
        if (values.size() == 1 && values.get(0).indexOf(',') < 0) {
            return values;
        }
        java.util.ArrayList<String> hops = new java.util.ArrayList<>();
        for (String v : values) {
            int start = 0;
            for (int i = 0; i <= v.length(); i++) {
                if (i == v.length() || v.charAt(i) == ',') {
                    String hop = v.substring(start, i).trim();
                    if (!hop.isEmpty()) {
                        hops.add(hop);
                    }
                    start = i + 1;
                }
            }
        }
        return hops;
    }

    /**
     * An address as proxies write it: {@code 192.0.2.1}, {@code 2001:db8::1}, {@code [2001:db8::1]}, with an optional
     * {@code :port} after an IPv4 address or a bracketed IPv6 one. Null for anything else.
     */
    static InetAddress parseNode(String text) {
        String s = text.trim();
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 < s.length() && !isPort(s, close + 1)) {
                return null;
            }
            s = s.substring(1, close);
        } else {
            int colon = s.indexOf(':');
            if (colon > 0 && s.indexOf(':', colon + 1) < 0) { // IPv4:port; more colons means bare IPv6
                if (!isPort(s, colon)) {
                    return null;
                }
                s = s.substring(0, colon);
            }
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(s);
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** {@code :digits} from {@code colon} to the end. */
    private static boolean isPort(String s, int colon) {
        if (s.charAt(colon) != ':' || colon + 1 >= s.length() || s.length() - colon > 6) {
            return false;
        }
        for (int i = colon + 1; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
