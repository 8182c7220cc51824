package dev.gatehouse.certificates;

import dev.gatehouse.acme.AcmeIssueException;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The CA's own pace, learnt from its answers instead of a fixed throttle: orders run in parallel until the CA says
 * "too many" (a {@code rateLimited} problem, RFC 8555 section 6.7, or a Retry-After on a refusal, section 6.6). Then
 * no new order starts before the time it gave, at most {@link #MAX_HOLD} (a limit for one domain can last days and
 * must not hold up other domains; the names that met it back off on their own, from their own answers). A refusal
 * without a time holds {@link #DEFAULT_HOLD}. Thread-safe.
 */
final class OrderPacing {
    static final URI RATE_LIMITED = URI.create("urn:ietf:params:acme:error:rateLimited");
    /** The longest pause for every name after one limited answer. */
    static final Duration MAX_HOLD = Duration.ofMinutes(15);
    /** The pause after a rate limit that named no time. */
    static final Duration DEFAULT_HOLD = Duration.ofMinutes(1);

    private final Clock clock;
    private volatile Instant heldUntil = Instant.MIN;

    OrderPacing(Clock clock) {
        this.clock = clock;
    }

    /** When new orders may start again, while the CA's last "too many" holds; empty when they may start now. */
    Optional<Instant> heldUntil() {
        Instant until = heldUntil;
        return until.isAfter(clock.instant()) ? Optional.of(until) : Optional.empty();
    }

    /** Learns from a failed order; true when it was the CA pacing us (not the order's own fault). */
    boolean learn(AcmeIssueException failure) {
        boolean limited = failure.problem().map(p -> p.type().equals(RATE_LIMITED)).orElse(false);
        if (!limited && failure.retryAfter().isEmpty()) {
            return false;
        }
        Instant now = clock.instant();
        Instant asked = failure.retryAfter().filter(now::isBefore).orElse(now.plus(DEFAULT_HOLD));
        Instant until = asked.isAfter(now.plus(MAX_HOLD)) ? now.plus(MAX_HOLD) : asked;
        synchronized (this) {
            if (until.isAfter(heldUntil)) {
                heldUntil = until;
            }
        }
        return true;
    }
}
