package dev.gatehouse.cluster;

import dev.gatehouse.storage.Storage;
import io.lettuce.core.ScriptOutputType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A storage lock held in Redis: a key with an expiry whose value is {@code "token holder"}, where the token is the
 * lock's fencing counter at the time it was taken (one more each time anyone takes it). A watchdog extends the expiry
 * every third of it while this holder lives; a holder that dies, or stalls longer than the expiry, loses it, and
 * {@link #isHeld()} says so from this side too (counted from before the last extension was sent, so never later
 * than Redis). Writes under the lock carry the token, and Redis refuses them once the lock is gone
 * ({@code storage-put.lua}).
 */
final class RedisLock implements Storage.Lock {
    private static final Logger log = LoggerFactory.getLogger(RedisLock.class);
    static final LuaScript RENEW = LuaScript.load("lock-renew.lua");
    static final LuaScript RELEASE = LuaScript.load("lock-release.lua");

    private final RedisLink link;
    private final String name;
    private final String redisKey;
    private final String fencedKey;
    private final long token;
    private final String value;
    private final Duration expiry;
    private final ScheduledFuture<?> watchdog;
    private volatile long heldUntilNanos;
    private volatile boolean closed;

    /** A lock just taken at {@code takenAtNanos} (before the request that took it was sent). */
    RedisLock(RedisLink link, ClusterKeys keys, String name, long token, String holder, Duration expiry,
              long takenAtNanos) {
        this.link = link;
        this.name = name;
        this.redisKey = keys.lock(name);
        this.fencedKey = keys.fenceWritten(name);
        this.token = token;
        this.value = token + " " + holder;
        this.expiry = expiry;
        this.heldUntilNanos = takenAtNanos + expiry.toNanos();
        long every = Math.max(1, expiry.toMillis() / 3);
        this.watchdog = link.executor().scheduleWithFixedDelay(this::extend, every, every, TimeUnit.MILLISECONDS);
    }

    private void extend() {
        if (closed) {
            return;
        }
        long sentAt = System.nanoTime();
        RENEW.<Long>run(link, ScriptOutputType.INTEGER, link.timeout(), new String[] {redisKey},
                LuaScript.arg(value), LuaScript.arg(expiry.toMillis())).whenComplete((renewed, error) -> {
                    if (error != null) {
                        // Redis away: the lock runs out on its own unless a later extension gets through in time.
                        log.debug("cluster lock {}: extending failed: {}", name, error.getMessage());
                    } else if (renewed == 1L) {
                        heldUntilNanos = sentAt + expiry.toNanos();
                    } else if (!closed) {
                        heldUntilNanos = 0;
                        watchdog.cancel(false);
                        log.warn("cluster lock {} lost (token {}): it expired while this node stalled or was cut off "
                                + "from Redis; writes under it are refused", name, token);
                    }
                });
    }

    @Override
    public String name() {
        return name;
    }

    /** The fencing token this holder writes with. */
    long token() {
        return token;
    }

    /** What the lock key holds while this holder has it. */
    String value() {
        return value;
    }

    String redisKey() {
        return redisKey;
    }

    String fencedKey() {
        return fencedKey;
    }

    @Override
    public boolean isHeld() {
        return !closed && System.nanoTime() - heldUntilNanos < 0;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        watchdog.cancel(false);
        // Waited for, so that the next holder may start at once; when Redis is away the lock expires by itself.
        try {
            RELEASE.<Long>run(link, ScriptOutputType.INTEGER, link.timeout(), new String[] {redisKey},
                    LuaScript.arg(value)).get(link.timeout().toMillis() + 100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("cluster lock {}: releasing failed: {}", name, e.getMessage());
        }
    }
}
