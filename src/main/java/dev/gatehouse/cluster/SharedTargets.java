package dev.gatehouse.cluster;

import dev.gatehouse.config.HostPort;
import dev.gatehouse.config.Target;
import dev.gatehouse.upstream.Registrations;
import dev.gatehouse.upstream.Upstreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Targets registered through the admin API, shared by every node: one Redis hash per pool (address to weight). A
 * registration is applied here and written to Redis under one lock, then announced on the events channel; every node
 * (this one too) then reads that pool's hash and makes its registered targets match ({@link Upstreams#reconcile}), so a
 * deregistration drains on all of them. A full read every {@link #RESYNC_EVERY} catches a missed message, and the
 * first one after start brings a restarted node's registrations back.
 *
 * <p>While Redis is away a registration is applied here and kept in order; when Redis is back those are written
 * first, then everything is read again, so what was registered during the outage is neither lost nor undone.
 */
final class SharedTargets implements Registrations, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SharedTargets.class);
    static final Duration RESYNC_EVERY = Duration.ofSeconds(5);
    static final String EVENT = "targets";

    /** One change waiting for Redis; weight -1 is a removal. */
    private record Change(String pool, String address, int weight) {
    }

    private final RedisLink link;
    private final ClusterKeys keys;
    private final Upstreams upstreams;
    private final ClusterEvents events;
    private final List<Change> pending = new ArrayList<>();
    private ScheduledFuture<?> task;

    SharedTargets(RedisLink link, ClusterKeys keys, Upstreams upstreams, ClusterEvents events) {
        this.link = link;
        this.keys = keys;
        this.upstreams = upstreams;
        this.events = events;
    }

    void start() {
        events.on(EVENT, pool -> {
            try {
                syncPool(pool);
            } catch (ClusterUnavailableException e) {
                log.debug("cluster targets: reading pool {} failed: {}", pool, e.getMessage());
            }
        });
        link.onUp(this::catchUp);
        task = link.executor().scheduleWithFixedDelay(this::catchUp, 0, RESYNC_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized boolean register(String pool, Target target, BooleanSupplier local) {
        boolean changed = local.getAsBoolean();
        if (changed) {
            record(new Change(pool, target.address(), target.weight()));
        }
        return changed;
    }

    @Override
    public synchronized boolean deregister(String pool, String address, BooleanSupplier local) {
        boolean changed = local.getAsBoolean();
        if (changed) {
            record(new Change(pool, address, -1));
        }
        return changed;
    }

    /** Writes the change, or keeps it (after earlier ones still waiting) until Redis is back. */
    private void record(Change change) {
        if (pending.isEmpty() && write(change)) {
            events.publish(EVENT, change.pool());
            return;
        }
        pending.add(change);
        if (pending.size() == 1) {
            log.warn("cluster targets: Redis unavailable; upstream={} target={} {} here only for now, shared when "
                    + "Redis is back", change.pool(), change.address(), change.weight() < 0 ? "deregistered"
                    : "registered");
        }
    }

    private boolean write(Change change) {
        try {
            String key = keys.targets(change.pool());
            if (change.weight() < 0) {
                link.sync(c -> c.hdel(key, change.address()));
            } else {
                link.sync(c -> c.hset(key, change.address(), bytes(Integer.toString(change.weight()))));
                link.sync(c -> c.sadd(keys.targetPools(), bytes(change.pool())));
            }
            return true;
        } catch (ClusterUnavailableException e) {
            return false;
        }
    }

    /** Writes what waited for Redis, then reads every pool: after an outage, after start, and periodically. */
    synchronized void catchUp() {
        try {
            if (!link.isUp()) {
                return;
            }
            if (!pending.isEmpty()) {
                int n = pending.size();
                while (!pending.isEmpty()) {
                    if (!write(pending.get(0))) {
                        return;
                    }
                    events.publish(EVENT, pending.remove(0).pool());
                }
                log.info("cluster targets: {} registration change{} made while Redis was away now shared", n,
                        n == 1 ? "" : "s");
            }
            for (String pool : upstreams.pools().keySet()) {
                syncPool(pool);
            }
        } catch (ClusterUnavailableException e) {
            log.debug("cluster targets: catching up failed: {}", e.getMessage());
        } catch (Throwable e) { // a periodic task that throws is never run again
            log.error("cluster targets: catching up failed", e);
        }
    }

    /** Makes this node's registered targets in {@code pool} what Redis holds. */
    private synchronized void syncPool(String pool) {
        if (!pending.isEmpty()) {
            return; // Redis does not have our changes yet: reading it now would undo them
        }
        Map<String, byte[]> stored = link.sync(c -> c.hgetall(keys.targets(pool)));
        Map<String, Target> registered = new LinkedHashMap<>();
        stored.forEach((address, weight) -> {
            try {
                HostPort hp = HostPort.parse(address);
                registered.put(address, new Target(hp.host(), hp.port(),
                        Integer.parseInt(new String(weight, StandardCharsets.UTF_8))));
            } catch (IllegalArgumentException e) {
                log.warn("cluster targets: upstream={} ignores the stored target \"{}\": {}", pool, address,
                        e.getMessage());
            }
        });
        upstreams.reconcile(pool, registered);
    }

    /** Registration changes made here that Redis has not seen yet. */
    synchronized int pending() {
        return pending.size();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
