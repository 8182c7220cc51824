package dev.gatehouse.http;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * A re-armable timeout that costs two field writes per arm/disarm instead of a scheduled task each time: one task
 * stays scheduled, and when it fires early (the deadline moved on) it re-schedules itself for the rest. Per-request
 * timeouts on a busy keep-alive connection would otherwise add and remove a timer queue entry for every request.
 * Confined to one event loop.
 */
public final class Deadline {
    private final EventExecutor executor;
    private final Runnable onExpiry;
    private long deadlineNanos;
    private boolean armed;
    private ScheduledFuture<?> task;

    public Deadline(EventExecutor executor, Runnable onExpiry) {
        this.executor = executor;
        this.onExpiry = onExpiry;
    }

    /** Expires {@code millis} from now, replacing any earlier arming. */
    public void arm(long millis) {
        deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        armed = true;
        if (task == null) {
            schedule(millis, TimeUnit.MILLISECONDS);
        } else if (task.getDelay(TimeUnit.NANOSECONDS) > TimeUnit.MILLISECONDS.toNanos(millis)) {
            // The pending check is later than the new deadline: a shorter timeout needs an earlier one.
            task.cancel(false);
            schedule(millis, TimeUnit.MILLISECONDS);
        }
    }

    public void disarm() {
        armed = false;
    }

    /** Stops for good (the connection closed). */
    public void cancel() {
        armed = false;
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    public boolean isArmed() {
        return armed;
    }

    private void schedule(long delay, TimeUnit unit) {
        task = executor.schedule(this::check, delay, unit);
    }

    private void check() {
        task = null;
        if (!armed) {
            return;
        }
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            schedule(left, TimeUnit.NANOSECONDS);
            return;
        }
        armed = false;
        onExpiry.run();
    }
}
