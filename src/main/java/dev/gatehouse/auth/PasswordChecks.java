package dev.gatehouse.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that checks passwords against their hashes, away from the event loops. One thread because a check
 * is meant to be expensive (bcrypt cost 12 or argon2id with 19 MiB takes tens of milliseconds and the memory it
 * says): a flood of wrong passwords queues here, at most {@link #QUEUE} deep, and the rest are told to come back
 * later, while the proxy's event loops and heap are untouched. Right passwords are remembered by each
 * {@link BasicAuthenticator}, so a client that logged in once does not queue again.
 */
public final class PasswordChecks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PasswordChecks.class);
    static final int QUEUE = 256;

    private final ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE), r -> {
                Thread t = new Thread(r, "gatehouse-password-checks");
                t.setDaemon(true);
                return t;
            });

    public PasswordChecks() {
        executor.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code check} on the checking thread; false when the queue is full (nothing will run). */
    boolean submit(Runnable check) {
        try {
            executor.execute(() -> {
                try {
                    check.run();
                } catch (Throwable t) {
                    log.error("password check failed", t);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
