package dev.gatehouse.config;

/**
 * The admin listener, {@code admin: { listen: "127.0.0.1:2019" }}: an HTTP API for targets at run time. Off unless
 * the section is given; loopback only (other addresses will need a bearer token, not available yet).
 *
 * @param host loopback address to bind (IPv6 without brackets)
 * @param port port to bind; 0 picks a free one (tests)
 */
public record Admin(String host, int port) {
}
