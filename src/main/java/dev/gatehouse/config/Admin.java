package dev.gatehouse.config;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * The admin listener, {@code admin: { listen: "127.0.0.1:2019", token_env: GATEHOUSE_ADMIN_TOKEN }}: the admin API
 * and dashboard. Off unless the section is given. A loopback address needs no token; any other address does.
 *
 * @param host  address to bind (IPv6 without brackets)
 * @param port  port to bind; 0 picks a free one (tests)
 * @param token the bearer token every request must carry ({@code Authorization: Bearer TOKEN}), when one is set;
 *              read from {@code token}, the environment variable named by {@code token_env}, or {@code token_file}
 */
public record Admin(String host, int port, Optional<String> token) {
    /** Shortest token accepted: 16 characters, so a token cannot be guessed over the network in useful time. */
    public static final int MIN_TOKEN_LENGTH = 16;

    public Admin {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(token, "token");
    }

    /** A listener without a token (loopback only). */
    public Admin(String host, int port) {
        this(host, port, Optional.empty());
    }

    /**
     * Where a client on this machine reaches the listener: the wildcard addresses are reached over loopback.
     * Meaningless for port 0 (the bound port is logged).
     */
    public URI localUri() {
        String h = switch (host) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "0:0:0:0:0:0:0:0", "0:0:0:0:0:0:0:1" -> "::1"; // the admin API answers Host [::1] only
            default -> host;
        };
        return URI.create("http://" + (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + port);
    }

    /** Never prints the token: configs end up in logs and bug reports. */
    @Override
    public String toString() {
        return "Admin[host=" + host + ", port=" + port + ", token=" + (token.isPresent() ? "[redacted]" : "none") + "]";
    }
}
