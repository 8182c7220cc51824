package dev.gatehouse.certificates;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What is known about one name's certificate, for {@code gatehouse certs} and the admin API.
 *
 * @param name        the site name (or a name only found in storage)
 * @param inConfig    whether a site of the config has this name
 * @param source      {@code acme}, {@code internal}, {@code files} or {@code certbot}; {@code unknown} for a stored
 *                    certificate without meta data; {@link #NONE} when there is no certificate yet
 * @param issuer      the issuer's common name (what users recognise: "R11", "Gatehouse Local CA 1a2b3c4d")
 * @param notBefore   start of validity
 * @param notAfter    end of validity
 * @param nextRenewal when the next renewal is planned
 * @param lastAttempt when issuance or renewal was last tried
 * @param lastError   the last issuance or renewal error, or why the files cannot be read
 */
public record CertificateStatus(String name, boolean inConfig, String source, Optional<String> issuer,
                                Optional<Instant> notBefore, Optional<Instant> notAfter,
                                Optional<Instant> nextRenewal, Optional<Instant> lastAttempt,
                                Optional<String> lastError) {
    /** The source of a name that has no certificate yet. */
    public static final String NONE = "none";
    /** Less time left than this is near expiry (for certificates living longer than six weeks). */
    public static final Duration NEAR_EXPIRY = Duration.ofDays(14);

    public CertificateStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(notAfter, "notAfter");
        Objects.requireNonNull(nextRenewal, "nextRenewal");
        Objects.requireNonNull(lastAttempt, "lastAttempt");
        Objects.requireNonNull(lastError, "lastError");
    }

    /** Whole days until expiry (negative once expired), when there is a certificate. */
    public Optional<Long> daysLeft(Instant now) {
        return notAfter.map(t -> Math.floorDiv(Duration.between(now, t).toSeconds(), 86_400L));
    }

    /**
     * Expired, or close enough to expiry that a working renewal would have replaced it: fewer than
     * {@link #NEAR_EXPIRY} left, or a third of its lifetime for short-lived ones (the local CA's live 7 days and are
     * renewed with a third left, so they are not "near expiry" all the time).
     */
    public boolean nearExpiry(Instant now) {
        if (notAfter.isEmpty()) {
            return false;
        }
        Duration threshold = notBefore.map(nb -> Duration.between(nb, notAfter.get()).dividedBy(3))
                .filter(third -> third.compareTo(NEAR_EXPIRY) < 0).orElse(NEAR_EXPIRY);
        return Duration.between(now, notAfter.get()).compareTo(threshold) < 0;
    }

    /** Whether this is the user's own files, which are reloaded on change rather than renewed. */
    public boolean isFiles() {
        return source.equals("files");
    }
}
