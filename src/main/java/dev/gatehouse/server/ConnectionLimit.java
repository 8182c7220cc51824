package dev.gatehouse.server;

import dev.gatehouse.metrics.GatehouseMetrics;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code limits.max_connections}: the client connections open at once over every client listener. A connection
 * accepted beyond the limit is closed at once, counted, and logged, at most one line per {@link #LOG_EVERY} so that
 * a flood cannot flood the log too.
 */
final class ConnectionLimit {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLimit.class);
    static final long LOG_EVERY = TimeUnit.SECONDS.toNanos(10);

    private final GatehouseMetrics metrics;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong refusedSinceLog = new AtomicLong();
    /** When the last line was logged; far in the past at first so that the first refusal is logged at once. */
    private final AtomicLong loggedAt = new AtomicLong(System.nanoTime() - 2 * LOG_EVERY);

    ConnectionLimit(GatehouseMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Counts {@code ch} as open until it closes, or closes it when {@code max} are open already.
     *
     * @return whether the connection was admitted
     */
    boolean admit(Channel ch, int max, String listener) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            ch.close();
            metrics.refusedConnections(listener).increment();
            refused(max, listener);
            return false;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        return true;
    }

    int open() {
        return open.get();
    }

    private void refused(int max, String listener) {
        long n = refusedSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long last = loggedAt.get();
        if (now - last >= LOG_EVERY && loggedAt.compareAndSet(last, now)) {
            refusedSinceLog.addAndGet(-n);
            log.warn("listen.{}: limits.max_connections ({}) reached, new connections are closed ({} refused in the "
                    + "last {}s)", listener, max, n, Math.min(TimeUnit.NANOSECONDS.toSeconds(now - last),
                    TimeUnit.NANOSECONDS.toSeconds(LOG_EVERY)));
        }
    }
}
