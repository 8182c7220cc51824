package dev.gatehouse.proxy;

import dev.gatehouse.config.Cidr;
import dev.gatehouse.http.ClientAddresses;
import dev.gatehouse.http.Exchange;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;

import java.util.List;

/**
 * X-Forwarded-For / -Proto / -Host and X-Real-IP. A peer in {@code trusted_proxies} is another proxy in front of
 * Gatehouse: its X-Forwarded-* are kept and extended. Anyone else's are replaced, so a client cannot claim to be
 * somebody else to the app. X-Real-IP is the client as {@link ClientAddresses} found it.
 */
final class ForwardedHeaders {
    static final AsciiString X_FORWARDED_FOR = ClientAddresses.X_FORWARDED_FOR;
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString X_REAL_IP = AsciiString.cached("x-real-ip");

    private final ClientAddresses clients;

    ForwardedHeaders(List<Cidr> trustedProxies) {
        this.clients = new ClientAddresses(trustedProxies);
    }

    /** Sets the forwarding headers on a request about to go upstream. */
    void apply(HttpHeaders headers, Exchange exchange) {
        String peerText = NetUtil.toAddressString(exchange.remote().getAddress());
        boolean trusted = clients.isTrusted(exchange.remote().getAddress());
        String priorFor = trusted ? joined(headers, X_FORWARDED_FOR) : null;
        headers.set(X_FORWARDED_FOR, priorFor == null ? peerText : priorFor + ", " + peerText);
        if (!trusted || !headers.contains(X_FORWARDED_PROTO)) {
            headers.set(X_FORWARDED_PROTO, exchange.secure() ? "https" : "http");
        }
        if (!trusted || !headers.contains(X_FORWARDED_HOST)) {
            if (exchange.host().isEmpty()) {
                headers.remove(X_FORWARDED_HOST);
            } else {
                headers.set(X_FORWARDED_HOST, exchange.host());
            }
        }
        headers.set(X_REAL_IP, exchange.clientIp());
        if (!trusted) {
            headers.remove(ClientAddresses.FORWARDED);
        }
    }

    private static String joined(HttpHeaders headers, AsciiString name) {
        List<String> all = headers.getAll(name);
        return all.isEmpty() ? null : String.join(", ", all);
    }
}
