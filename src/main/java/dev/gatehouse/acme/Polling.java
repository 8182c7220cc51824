package dev.gatehouse.acme;

import org.shredzone.acme4j.PollableResource;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.exception.AcmeException;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Polls an ACME resource until it reaches one of the wanted states, within a total time budget.
 * Honours the CA's Retry-After (RFC 8555 §7.5.1); without one, waits 100 ms, doubling to 5 s, so a fast CA
 * (pebble, or Let's Encrypt's usual second or two) is not held up by acme4j's fixed 3 s default; a slow one is asked
 * about ten times in its first minute.
 */
final class Polling {
    static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    static final Duration MAX_PAUSE = Duration.ofSeconds(5);

    /** The resource did not reach a wanted state before the deadline, or the CA asked to wait past it. */
    static final class TimedOut extends Exception {
        final Status last;

        TimedOut(Status last, Duration budget) {
            super("still " + last.name().toLowerCase(Locale.ROOT) + " after " + budget.toMillis() + " ms");
            this.last = last;
        }
    }

    private Polling() {
    }

    static Status until(PollableResource resource, Set<Status> wanted, Duration budget)
            throws AcmeException, InterruptedException, TimedOut {
        Instant deadline = Instant.now().plus(budget);
        Duration pause = FIRST_PAUSE;
        while (true) {
            Optional<Instant> retryAfter = resource.fetch();
            Status status = resource.getStatus();
            if (wanted.contains(status)) {
                return status;
            }
            Instant now = Instant.now();
            if (!now.isBefore(deadline)) {
                throw new TimedOut(status, budget);
            }
            Optional<Instant> asked = retryAfter.filter(now::isBefore);
            if (asked.isPresent() && asked.get().isAfter(deadline)) {
                throw new TimedOut(status, budget); // the CA wants us back later than we may wait
            }
            Instant wake = asked.orElse(now.plus(pause));
            if (wake.isAfter(deadline)) {
                wake = deadline; // one last look at the deadline
            }
            Thread.sleep(Math.max(1, Duration.between(now, wake).toMillis()));
            pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
        }
    }
}
