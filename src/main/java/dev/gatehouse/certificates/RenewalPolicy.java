package dev.gatehouse.certificates;

import dev.gatehouse.acme.RenewalWindow;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to renew a certificate. The CA's ARI window wins when there is one (RFC 9773 §4.2: a uniformly random
 * time inside it, so that fleets do not all renew at once); otherwise when a third of the lifetime is left
 * (a 90-day certificate at day 60, a 6-day one at day 4), moved earlier by a small random jitter.
 * Pure: the caller passes the randomness, and an instant in the past means "renew now".
 */
public final class RenewalPolicy {
    /** Default upper bound of the jitter before the one-third point. */
    public static final Duration DEFAULT_MAX_JITTER = Duration.ofHours(1);

    private final Duration maxJitter;

    /** With {@link #DEFAULT_MAX_JITTER}. */
    public RenewalPolicy() {
        this(DEFAULT_MAX_JITTER);
    }

    /** @param maxJitter the most the one-third point is moved earlier; also never more than 1% of the lifetime */
    public RenewalPolicy(Duration maxJitter) {
        if (maxJitter.isNegative()) {
            throw new IllegalArgumentException("maxJitter: " + maxJitter + " (expected: >= 0)");
        }
        this.maxJitter = maxJitter;
    }

    public Instant nextRenewal(X509Certificate cert, Optional<RenewalWindow> ari, RandomGenerator random) {
        return nextRenewal(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(), ari, random);
    }

    public Instant nextRenewal(Instant notBefore, Instant notAfter, Optional<RenewalWindow> ari, RandomGenerator random) {
        Objects.requireNonNull(random, "random");
        if (ari.isPresent()) {
            RenewalWindow window = ari.get();
            return window.start().plus(fraction(Duration.between(window.start(), window.end()), random.nextDouble()));
        }
        Duration lifetime = Duration.between(notBefore, notAfter);
        if (lifetime.isNegative() || lifetime.isZero()) {
            return notBefore; // a broken certificate: renew now
        }
        Instant oneThirdLeft = notAfter.minus(lifetime.dividedBy(3));
        Duration jitter = min(maxJitter, lifetime.dividedBy(100));
        return oneThirdLeft.minus(fraction(jitter, random.nextDouble()));
    }

    static Duration fraction(Duration d, double f) {
        return Duration.ofMillis((long) (d.toMillis() * f));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
