package dev.gatehouse.config;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Listener ports. {@code listen: { http: 80, https: 443, address: 0.0.0.0, h2c: false }}.
 *
 * @param addresses         bind addresses, each with every listener of this section on it; default {@code [0.0.0.0]}.
 *                          {@code "::"} alone is dual-stack (IPv6 and, where the system maps them, IPv4); in a list
 *                          such as {@code ["0.0.0.0", "::"]} each address takes its own family only.
 * @param http              plain HTTP port (default 80; 0 picks a free port, the same on every address); empty when
 *                          off
 * @param https             HTTPS port (default 443); empty when the listener is off
 * @param h2c               cleartext HTTP/2 with prior knowledge on the plain listener (default false): a connection
 *                          that opens with the HTTP/2 preface speaks HTTP/2, others HTTP/1.1. Never the
 *                          {@code Upgrade: h2c} dance.
 * @param proxyProtocol     every connection to these listeners must start with a PROXY protocol v1 or v2 header
 *                          (behind HAProxy or a cloud network load balancer); default false. Connections without
 *                          one, or with a bad one, are closed.
 * @param proxyProtocolFrom when not empty, the header is required from these peers only; others connect directly
 */
public record Listen(List<String> addresses, OptionalInt http, OptionalInt https, boolean h2c, boolean proxyProtocol,
                     List<Cidr> proxyProtocolFrom) {
    public static final String DEFAULT_ADDRESS = "0.0.0.0";
    public static final int DEFAULT_HTTP = 80;
    public static final int DEFAULT_HTTPS = 443;

    public Listen {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("listen: at least one address");
        }
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(https, "https");
        proxyProtocolFrom = List.copyOf(proxyProtocolFrom);
    }

    /** Listeners without the PROXY protocol. */
    public Listen(List<String> addresses, OptionalInt http, OptionalInt https, boolean h2c) {
        this(addresses, http, https, h2c, false, List.of());
    }

    /** One address, without the PROXY protocol. */
    public Listen(String address, OptionalInt http, OptionalInt https, boolean h2c) {
        this(List.of(address), http, https, h2c);
    }

    /** One address, without cleartext HTTP/2 and without the PROXY protocol. */
    public Listen(String address, OptionalInt http, OptionalInt https) {
        this(address, http, https, false);
    }

    /** The addresses as written in logs and the admin API: {@code 0.0.0.0} or {@code [0.0.0.0, ::]}. */
    public String describeAddresses() {
        return addresses.size() == 1 ? addresses.get(0) : addresses.toString();
    }

    /** Whether a connection from {@code peer} must start with a PROXY protocol header. */
    public boolean expectsProxyHeader(java.net.InetAddress peer) {
        if (!proxyProtocol) {
            return false;
        }
        if (proxyProtocolFrom.isEmpty()) {
            return true;
        }
        for (Cidr c : proxyProtocolFrom) {
            if (c.contains(peer)) {
                return true;
            }
        }
        return false;
    }
}
