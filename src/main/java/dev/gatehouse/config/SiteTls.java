package dev.gatehouse.config;

import java.nio.file.Path;

/**
 * Where a site's certificate comes from. Without {@code tls:} it is {@link Auto}: the local CA for names no public
 * CA will certify (localhost, *.localhost, IP addresses, *.internal, *.test, single labels), ACME for the rest.
 */
public sealed interface SiteTls {

    /** The default: chosen by name. */
    record Auto() implements SiteTls {
    }

    /** {@code tls: internal}: always the local CA. */
    record Internal() implements SiteTls {
    }

    /** {@code tls: acme}: always ACME, even for names the local CA would take. */
    record Acme() implements SiteTls {
    }

    /** {@code tls: { cert: FILE, key: FILE }}: the user's own files (PEM), reloaded when they change. */
    record Files(Path cert, Path key) implements SiteTls {
    }
}
