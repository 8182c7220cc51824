package dev.gatehouse.storage;

import java.net.URI;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What Gatehouse knows about a stored certificate besides the PEM files: where it came from and the state of its
 * renewal. Stored as {@code certificates/<name>/meta.properties}.
 *
 * @param source      who issued it
 * @param issuer      the issuer's name as shown to users (e.g. the CA certificate's CN), when known
 * @param directory   the ACME directory URL, for {@link Source#ACME}
 * @param notAfter    when the certificate expires
 * @param lastError   the last issuance or renewal error, cleared on success
 * @param lastAttempt when issuance or renewal was last tried
 * @param nextRenewal when the renewal scheduler intends to try next
 */
public record CertificateMeta(
        Source source,
        Optional<String> issuer,
        Optional<URI> directory,
        Optional<Instant> notAfter,
        Optional<String> lastError,
        Optional<Instant> lastAttempt,
        Optional<Instant> nextRenewal) {

    /** Where a certificate came from; written lower case in {@code meta.properties}. */
    public enum Source {
        /** Issued by an ACME CA. */
        ACME,
        /** Issued by the local CA. */
        INTERNAL,
        /** The user's own files ({@code tls: { cert, key }}). */
        FILES,
        /** Imported from a certbot live directory. */
        CERTBOT;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Source parse(String value) {
            for (Source s : values()) {
                if (s.key().equals(value)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("source=" + value + " (expected: acme, internal, files or certbot)");
        }
    }

    public CertificateMeta {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(notAfter, "notAfter");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(lastAttempt, "lastAttempt");
        Objects.requireNonNull(nextRenewal, "nextRenewal");
    }

    /** Meta for a freshly stored certificate of {@code source} with nothing else known. */
    public static CertificateMeta of(Source source) {
        return new CertificateMeta(source, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /** Meta for a freshly issued certificate: issuer and expiry taken from it, errors cleared. */
    public static CertificateMeta issued(Source source, CertifiedKey certificate, Instant now) {
        String issuer = certificate.leaf().getIssuerX500Principal().getName();
        return new CertificateMeta(source, Optional.of(issuer), Optional.empty(),
                Optional.of(certificate.notAfter()), Optional.empty(), Optional.of(now), Optional.empty());
    }

    public CertificateMeta withDirectory(URI value) {
        return new CertificateMeta(source, issuer, Optional.of(value), notAfter, lastError, lastAttempt, nextRenewal);
    }

    public CertificateMeta withFailure(String error, Instant at) {
        return new CertificateMeta(source, issuer, directory, notAfter, Optional.of(error), Optional.of(at),
                nextRenewal);
    }

    public CertificateMeta withNextRenewal(Instant at) {
        return new CertificateMeta(source, issuer, directory, notAfter, lastError, lastAttempt, Optional.of(at));
    }
}
