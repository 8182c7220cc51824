package dev.gatehouse.upstream;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A request waiting in a pool's queue for a target below its {@code max_requests}. Exactly one of {@link #claim}
 * (a slot freed up: the pool runs {@code wake}) and {@link #cancel} (the wait timed out or the client left) wins.
 */
public final class Waiter {
    private static final int WAITING = 0;
    private static final int DONE = 1;

    private final Runnable wake;
    private final AtomicInteger state = new AtomicInteger(WAITING);
    private final AtomicInteger queued;

    Waiter(Runnable wake, AtomicInteger queued) {
        this.wake = Objects.requireNonNull(wake, "wake");
        this.queued = queued;
    }

    /** Ends the wait without a slot; false when the pool had already woken it. */
    public boolean cancel() {
        if (state.compareAndSet(WAITING, DONE)) {
            queued.decrementAndGet();
            return true;
        }
        return false;
    }

    /** Wakes the waiter (it then tries to pick again on its own thread); false when it was cancelled. */
    boolean claim() {
        if (state.compareAndSet(WAITING, DONE)) {
            queued.decrementAndGet();
            wake.run();
            return true;
        }
        return false;
    }
}
