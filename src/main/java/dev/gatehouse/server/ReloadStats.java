package dev.gatehouse.server;

import dev.gatehouse.config.ReloadResult;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Counts of config reloads since start, for metrics and status: every attempt, and those refused. */
public final class ReloadStats {
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Outcome> last = new AtomicReference<>();

    /** The last reload's result and when it finished. */
    public record Outcome(Instant at, ReloadResult result) {
    }

    /** Reloads attempted since start (applied or refused). */
    public long reloads() {
        return reloads.get();
    }

    /** Reloads refused since start: invalid config, a change that cannot be applied live, a port that will not bind. */
    public long failed() {
        return failed.get();
    }

    /** The last reload, if there was one. */
    public Optional<Outcome> last() {
        return Optional.ofNullable(last.get());
    }

    void record(ReloadResult result) {
        reloads.incrementAndGet();
        if (!result.applied()) {
            failed.incrementAndGet();
        }
        last.set(new Outcome(Instant.now(), result));
    }
}
