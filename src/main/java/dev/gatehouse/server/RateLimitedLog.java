package dev.gatehouse.server;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * At most one log line per interval for one kind of event, shared by all event loops: the caller that gets the
 * turn logs, and learns how many events were left out since the last line so that it can say so.
 */
final class RateLimitedLog {
    private final long intervalNanos;
    private final AtomicLong nextLine;
    private final LongAdder skipped = new LongAdder();

    RateLimitedLog(Duration interval) {
        this.intervalNanos = interval.toNanos();
        this.nextLine = new AtomicLong(System.nanoTime());
    }

    /** The number of events left out since the last line when this one may be logged, else -1 (and it is counted). */
    long tryLog() {
        long now = System.nanoTime();
        long next = nextLine.get();
        if (now - next >= 0 && nextLine.compareAndSet(next, now + intervalNanos)) {
            return skipped.sumThenReset();
        }
        skipped.increment();
        return -1;
    }
}
