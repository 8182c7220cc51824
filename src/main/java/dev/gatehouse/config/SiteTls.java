package dev.gatehouse.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

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

    /**
     * {@code tls: acme}: always ACME, even for names the local CA would take. {@code tls: { dns: {...} }} is ACME
     * with DNS-01 for every name of the site, through that block (over {@code acme.dns}).
     *
     * @param dns this site's DNS-01 settings, when it has its own
     */
    record Acme(Optional<DnsSettings> dns) implements SiteTls {
        public Acme {
            Objects.requireNonNull(dns, "dns");
        }

        /** {@code tls: acme}, with the global challenge settings. */
        public Acme() {
            this(Optional.empty());
        }
    }

    /** {@code tls: { cert: FILE, key: FILE }}: the user's own files (PEM), reloaded when they change. */
    record Files(Path cert, Path key) implements SiteTls {
    }
}
