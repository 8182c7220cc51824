package dev.gatehouse.upstream;

/** What a pick gave: a target, or why there is none. */
public sealed interface Selection {
    /** A target, held until the lease is released. */
    record Picked(TargetLease lease) implements Selection {
    }

    /** Usable targets exist but all are at {@code max_requests}: wait in the queue or answer 503. */
    record Busy() implements Selection {
    }

    /** No target is usable (all tried, parked, or unhealthy with {@code when_unhealthy: 503}). */
    record Unavailable() implements Selection {
    }

    Selection BUSY = new Busy();
    Selection UNAVAILABLE = new Unavailable();
}
