package dev.gatehouse.upstream;

import dev.gatehouse.config.ConfigDiff;
import dev.gatehouse.config.Target;
import dev.gatehouse.config.Upstream;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Every pool of the running config, and what runs beside them: active health checks and the pools' housekeeping, on
 * one small event loop group of their own. {@link #start()} starts them, {@link #close()} stops them.
 *
 * <p>A reload changes the pools in place ({@link #add}, {@link #update}, {@link #retire}): a pool kept by a reload is
 * the same object before and after, so its live state (health, counters, ejections, targets registered through the
 * admin API) carries over and every route and admin call that holds it stays valid. The map of pools is replaced
 * whole on each change, so readers never lock.
 */
public final class Upstreams implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Upstreams.class);
    /**
     * How long a pool removed by a reload keeps its targets before they drain: a request that read the old routing
     * just before the swap still finds a target.
     */
    static final Duration RETIRE_GRACE = Duration.ofSeconds(1);

    private record Retired(UpstreamPool pool, long sinceNanos) {
    }

    private volatile Map<String, UpstreamPool> pools;
    private final Class<? extends SocketChannel> channelType;
    private final Supplier<EventLoopGroup> groupFactory;
    private final Map<String, HealthChecker> checkers = new ConcurrentHashMap<>();
    /** Pools removed by a reload whose targets still drain; dropped once they are done. */
    private final List<Retired> retired = new CopyOnWriteArrayList<>();
    private EventLoopGroup group;
    private ScheduledFuture<?> housekeeping;
    private volatile Registrations registrations = Registrations.LOCAL;

    /**
     * @param groupFactory makes the one-thread group health checks run on (called by {@link #start()})
     */
    public Upstreams(Collection<Upstream> configs, Class<? extends SocketChannel> channelType,
                     Supplier<EventLoopGroup> groupFactory) {
        Map<String, UpstreamPool> m = new LinkedHashMap<>();
        for (Upstream u : configs) {
            m.put(u.name(), new UpstreamPool(u));
        }
        this.pools = Collections.unmodifiableMap(m);
        this.channelType = channelType;
        this.groupFactory = groupFactory;
    }

    public Optional<UpstreamPool> pool(String name) {
        return Optional.ofNullable(pools.get(name));
    }

    /** The pools of the running config, in file order (a snapshot: a reload replaces it). */
    public Map<String, UpstreamPool> pools() {
        return pools;
    }

    // ---- targets registered at run time (admin API)

    /** Where registrations are kept besides this node's pools (a shared store in a cluster); set before start. */
    public void registrations(Registrations store) {
        this.registrations = java.util.Objects.requireNonNull(store, "store");
    }

    /** Registers {@code target} in {@code pool} (or re-weights it when it is there), here and in the store. */
    public void register(UpstreamPool pool, Target target) {
        registrations.register(pool.name(), target, () -> {
            pool.add(target);
            return true;
        });
    }

    /** Re-weights a target; false when {@code pool} has none at {@code address}. */
    public boolean reweight(UpstreamPool pool, Target target) {
        return registrations.register(pool.name(), target, () -> pool.reweight(target.address(), target.weight()));
    }

    /** Deregisters a target, which drains; false when {@code pool} has none at {@code address}. */
    public boolean deregister(UpstreamPool pool, String address) {
        return registrations.deregister(pool.name(), address, () -> pool.remove(address).isPresent());
    }

    /**
     * What the shared store holds for {@code pool} becomes this node's registered targets (see
     * {@link UpstreamPool#reconcile}); a pool this node's config does not have is ignored.
     */
    public void reconcile(String pool, Map<String, Target> registered) {
        UpstreamPool p = pools.get(pool);
        if (p == null) {
            return;
        }
        int changes = p.reconcile(registered);
        if (changes > 0) {
            log.info("upstream={} {} registered target change{} from the cluster (now: {})", pool, changes,
                    changes == 1 ? "" : "s", registered.isEmpty() ? "none" : String.join(", ", registered.keySet()));
        }
    }

    public synchronized void start() {
        if (group != null) {
            return;
        }
        group = groupFactory.get();
        pools.values().forEach(this::startChecker);
        housekeeping = group.next().scheduleAtFixedRate(() -> {
            try {
                pools.values().forEach(UpstreamPool::tick);
                long now = System.nanoTime();
                for (Retired r : retired) {
                    if (now - r.sinceNanos() < RETIRE_GRACE.toNanos()) {
                        continue;
                    }
                    r.pool().drainAll();
                    r.pool().tick();
                    if (r.pool().drainingTargets().isEmpty()) {
                        retired.remove(r);
                    }
                }
            } catch (Throwable e) { // a periodic task that throws is never run again
                log.error("upstream housekeeping failed", e);
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    private void startChecker(UpstreamPool pool) {
        pool.config().health().ifPresent(h -> {
            HealthChecker c = new HealthChecker(pool, h, group, channelType);
            checkers.put(pool.name(), c);
            c.start();
        });
    }

    private void stopChecker(String pool) {
        HealthChecker c = checkers.remove(pool);
        if (c != null) {
            c.close();
        }
    }

    // ---- reload

    /** A pool new in the reloaded file: created with its targets, its health checks started. */
    public synchronized UpstreamPool add(Upstream config) {
        UpstreamPool pool = new UpstreamPool(config);
        Map<String, UpstreamPool> next = new LinkedHashMap<>(pools);
        next.put(config.name(), pool);
        pools = Collections.unmodifiableMap(next);
        if (group != null) {
            startChecker(pool);
        }
        return pool;
    }

    /**
     * A pool in both files whose settings or targets changed: targets new in the file are added (with slow start),
     * re-weighted ones take their new weight, removed ones drain; targets registered through the admin API are left
     * alone. The health checker restarts when its settings changed.
     */
    public synchronized void update(ConfigDiff.PoolChange change) {
        UpstreamPool pool = pools.get(change.name());
        if (pool == null) {
            throw new IllegalArgumentException("no upstream pool named \"" + change.name() + "\" to update");
        }
        pool.reconfigure(change.after()); // also when only targets changed: config() then reads as the file does
        for (Target t : change.addedTargets()) {
            pool.addFromFile(t);
        }
        for (Target t : change.retunedTargets()) {
            pool.retune(t);
        }
        for (String address : change.removedTargets()) {
            if (pool.removeFromFile(address).isEmpty()) {
                log.info("upstream={} target={} is no longer in the file but was registered through the admin API"
                        + " (or removed) since; left as it is", pool.name(), address);
            }
        }
        if (change.healthChanged() && group != null) {
            stopChecker(pool.name());
            startChecker(pool);
        }
    }

    /**
     * A pool gone from the reloaded file: it leaves the map and stops checking at once, and its targets drain after
     * {@link #RETIRE_GRACE}; their requests in flight get the pool's deregistration delay. Call it once no new route
     * points at the pool.
     */
    public synchronized void retire(String name) {
        UpstreamPool pool = pools.get(name);
        if (pool == null) {
            return;
        }
        Map<String, UpstreamPool> next = new LinkedHashMap<>(pools);
        next.remove(name);
        pools = Collections.unmodifiableMap(next);
        stopChecker(name);
        if (group != null) {
            retired.add(new Retired(pool, System.nanoTime()));
        } else {
            pool.drainAll(); // not started: no housekeeping, and no request can be on its way
        }
    }

    @Override
    public synchronized void close() {
        checkers.values().forEach(HealthChecker::close);
        checkers.clear();
        if (housekeeping != null) {
            housekeeping.cancel(false);
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
    }
}
