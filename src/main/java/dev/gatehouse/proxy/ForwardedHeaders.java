package dev.gatehouse.proxy;

import dev.gatehouse.config.Cidr;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.util.List;

/**
 * X-Forwarded-For / -Proto / -Host and X-Real-IP. A peer in {@code trusted_proxies} is another proxy in front of
 * Gatehouse: its X-Forwarded-* are kept and extended. Anyone else's are replaced, so a client cannot claim to be
 * somebody else to the app.
 */
final class ForwardedHeaders {
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString X_REAL_IP = AsciiString.cached("x-real-ip");
    private static final AsciiString FORWARDED = AsciiString.cached("forwarded");

    private final List<Cidr> trustedProxies;

    ForwardedHeaders(List<Cidr> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    /** Sets the forwarding headers on a request about to go upstream. */
    void apply(HttpHeaders headers, InetAddress peer, boolean secure, String host) {
        String peerText = NetUtil.toAddressString(peer);
        boolean trusted = isTrusted(peer);
        String priorFor = trusted ? joined(headers, X_FORWARDED_FOR) : null;
        String client = trusted && priorFor != null ? firstUntrusted(priorFor, peerText) : peerText;
        headers.set(X_FORWARDED_FOR, priorFor == null ? peerText : priorFor + ", " + peerText);
        if (!trusted || !headers.contains(X_FORWARDED_PROTO)) {
            headers.set(X_FORWARDED_PROTO, secure ? "https" : "http");
        }
        if (!trusted || !headers.contains(X_FORWARDED_HOST)) {
            if (host.isEmpty()) {
                headers.remove(X_FORWARDED_HOST);
            } else {
                headers.set(X_FORWARDED_HOST, host);
            }
        }
        headers.set(X_REAL_IP, client);
        if (!trusted) {
            headers.remove(FORWARDED);
        }
    }

    boolean isTrusted(InetAddress peer) {
        for (Cidr c : trustedProxies) {
            if (c.contains(peer)) {
                return true;
            }
        }
        return false;
    }

    private static String joined(HttpHeaders headers, AsciiString name) {
        List<String> all = headers.getAll(name);
        return all.isEmpty() ? null : String.join(", ", all);
    }

    /** The right-most address in the chain that is not a trusted proxy: the real client as far as can be told. */
    private String firstUntrusted(String chain, String peer) {
        String[] hops = chain.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            byte[] bytes = NetUtil.createByteArrayFromIpAddressString(hop);
            if (bytes == null) {
                return hop.isEmpty() ? peer : hop;
            }
            try {
                if (!isTrusted(InetAddress.getByAddress(bytes))) {
                    return hop;
                }
            } catch (java.net.UnknownHostException e) {
                return hop;
            }
        }
        String first = hops[0].trim();
        return first.isEmpty() ? peer : first;
    }
}
