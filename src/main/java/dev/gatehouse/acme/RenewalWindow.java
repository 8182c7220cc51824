package dev.gatehouse.acme;

import java.time.Instant;
import java.util.Objects;

/** The renewal window a CA suggests through ACME Renewal Information (RFC 9773 §4.2): renew at a random time in it. */
public record RenewalWindow(Instant start, Instant end) {
    public RenewalWindow {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("renewal window " + start + " .. " + end + " (expected: end not before start)");
        }
    }
}
