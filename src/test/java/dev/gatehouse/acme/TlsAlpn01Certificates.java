package dev.gatehouse.acme;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The acme tests' TLS-ALPN-01 challenge certificates, read by their TLS responder when a client offers
 * ALPN {@code acme-tls/1} (and only then) with an SNI name (RFC 8737 §3). Thread-safe; lookups never block.
 */
final class TlsAlpn01Certificates {
    /** The ALPN protocol id a validating CA offers, and the only one the handshake may select. */
    public static final String ACME_TLS_1 = "acme-tls/1";

    /** A challenge certificate and its key, served for one name during validation. */
    public record Entry(X509Certificate certificate, KeyPair key) {
        public Entry {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(key, "key");
        }
    }

    private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();

    public void add(String name, X509Certificate certificate, KeyPair key) {
        entries.put(normalize(name), new Entry(certificate, key));
    }

    public void remove(String name) {
        entries.remove(normalize(name));
    }

    /** The challenge certificate for SNI {@code name} (case-insensitive); empty when none is being validated. */
    public Optional<Entry> lookup(String name) {
        return Optional.ofNullable(entries.get(normalize(name)));
    }

    private static String normalize(String name) {
        return Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT);
    }
}
