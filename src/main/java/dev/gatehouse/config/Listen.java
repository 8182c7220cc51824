package dev.gatehouse.config;

import java.util.OptionalInt;

/**
 * Listener ports. {@code listen: { http: 80, https: 443, address: 0.0.0.0, h2c: false }}.
 *
 * @param address bind address for both listeners; default {@code 0.0.0.0} (all IPv4 and, where the OS maps them, IPv6)
 * @param http    plain HTTP port (default 80; 0 picks a free port); empty when the listener is off
 * @param https   HTTPS port (default 443); empty when the listener is off
 * @param h2c     cleartext HTTP/2 with prior knowledge on the plain listener (default false): a connection that
 *                opens with the HTTP/2 preface speaks HTTP/2, others HTTP/1.1. Never the {@code Upgrade: h2c} dance.
 */
public record Listen(String address, OptionalInt http, OptionalInt https, boolean h2c) {
    public static final String DEFAULT_ADDRESS = "0.0.0.0";
    public static final int DEFAULT_HTTP = 80;
    public static final int DEFAULT_HTTPS = 443;

    /** Listeners without cleartext HTTP/2. */
    public Listen(String address, OptionalInt http, OptionalInt https) {
        this(address, http, https, false);
    }
}
