package dev.gatehouse.certificates;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one pending task per certificate: scheduling replaces what was planned, and a task never runs twice at once
 * for one certificate. Timing runs on a small scheduler; the work itself (network, disk, key generation) on a
 * separate pool, so a slow order never delays another's timer.
 */
final class WorkSchedule {
    private static final Logger log = LoggerFactory.getLogger(WorkSchedule.class);

    /** Certificate work that may fail; failures are logged, never thrown into the scheduler. */
    interface Work {
        void run() throws Exception;
    }

    private final ScheduledExecutorService scheduler;
    private final ExecutorService workers;
    private final Clock clock;
    private final Map<String, ScheduledFuture<?>> scheduled = new ConcurrentHashMap<>();
    private final Map<String, Boolean> inFlight = new ConcurrentHashMap<>();

    WorkSchedule(ScheduledExecutorService scheduler, ExecutorService workers, Clock clock) {
        this.scheduler = scheduler;
        this.workers = workers;
        this.clock = clock;
    }

    /** Runs {@code work} for certificate {@code id} at {@code at} (now when past), instead of what was planned. */
    void schedule(String id, Instant at, Work work) {
        long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        ScheduledFuture<?> previous = scheduled.put(id, scheduler.schedule(
                () -> workers.execute(() -> guarded(id, work)), delay, TimeUnit.MILLISECONDS));
        if (previous != null) {
            previous.cancel(false);
        }
    }

    /** Runs {@code work} now on a worker, unless work for {@code id} is already running. */
    void runNow(String id, Work work) {
        workers.execute(() -> guarded(id, work));
    }

    /** Drops what is planned for {@code id} (work already running finishes). */
    void cancel(String id) {
        ScheduledFuture<?> planned = scheduled.remove(id);
        if (planned != null) {
            planned.cancel(false);
        }
    }

    /** One piece of work per certificate at a time; a task must never throw (a periodic one would never run again). */
    private void guarded(String id, Work work) {
        if (inFlight.putIfAbsent(id, Boolean.TRUE) != null) {
            return;
        }
        try {
            work.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            log.error("tls name={} certificate task failed: {}", id, t.toString());
        } finally {
            inFlight.remove(id);
        }
    }

    void close() {
        for (String id : List.copyOf(scheduled.keySet())) {
            cancel(id);
        }
    }
}
