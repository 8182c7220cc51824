package dev.gatehouse.upstream;

import dev.gatehouse.config.Balancing;
import dev.gatehouse.config.CanarySpec;
import dev.gatehouse.config.Target;
import dev.gatehouse.config.Upstream;

import java.time.Instant;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A named, live pool of targets: picks one per request with its {@link LoadBalancer}, counts requests in flight,
 * learns from outcomes (passive checks, retry budget) and queues requests when every target is at its limit.
 * The target list is copy-on-write: a pick reads one volatile array and takes no lock, while targets can be added,
 * re-weighted and removed (drained) at run time from another thread.
 */
public final class UpstreamPool {
    private final String name;
    private final LongSupplier nanos;
    /** Everything taken from the pool's config; replaced whole by {@link #reconfigure}, read once per use. */
    private volatile Settings settings;
    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** Removed targets with requests still in flight. */
    private final List<TargetState> draining = new CopyOnWriteArrayList<>();
    private volatile TargetState[] targets;
    /** The pool's canary deploy, running or the last finished one. */
    private volatile Canary canary;

    public UpstreamPool(Upstream config) {
        this(config, System::nanoTime);
    }

    UpstreamPool(Upstream config, LongSupplier nanos) {
        Objects.requireNonNull(config, "config");
        this.name = config.name();
        this.nanos = nanos;
        this.settings = new Settings(config, null, nanos, () -> targets);
        // A fresh pool takes traffic at full weight: slow start is for targets that join or recover later.
        long longAgo = nanos.getAsLong() - settings.slowStartNanos - 1;
        this.targets = config.targets().stream().map(t -> new TargetState(t, longAgo, TargetState.Origin.FILE))
                .toArray(TargetState[]::new);
    }

    /**
     * What a pool takes from its config, derived once. Balancer rotation and the retry budget's counts carry over a
     * reload when their settings did not change; all other live state is in the targets.
     */
    private static final class Settings {
        final Upstream config;
        final LoadBalancer balancer;
        final RetryBudget retryBudget;
        final Optional<OutlierDetector> outliers;
        final long slowStartNanos;
        final boolean unknownIsHealthy;
        final boolean failOpen;

        Settings(Upstream config, Settings previous, LongSupplier nanos, Supplier<TargetState[]> targets) {
            this.config = config;
            this.balancer = previous != null && previous.config.balancing().equals(config.balancing())
                    ? previous.balancer : LoadBalancer.of(config.balancing());
            this.retryBudget = previous != null && previous.config.retries().equals(config.retries())
                    ? previous.retryBudget : new RetryBudget(config.retries().budgetPercent(), nanos);
            this.outliers = config.passive().map(p -> new OutlierDetector(config.name(), p, targets));
            this.slowStartNanos = config.slowStart().toNanos();
            this.unknownIsHealthy = config.start() == Upstream.Start.UNKNOWN_IS_HEALTHY;
            this.failOpen = config.whenUnhealthy() == Upstream.WhenUnhealthy.FAIL_OPEN;
        }
    }

    public String name() {
        return name;
    }

    /** The pool's settings as the config file (last loaded or reloaded) writes them. */
    public Upstream config() {
        return settings.config;
    }

    /**
     * Takes a reloaded file's settings for this pool (policy, passive checks, retries, queue, slow start...).
     * Targets keep their live state (health, counters, ejections, requests in flight); the file's target list is
     * applied separately ({@link #addFromFile}, {@link #retune}, {@link #removeFromFile}). Requests already past
     * their pick finish as they started.
     */
    public synchronized void reconfigure(Upstream config) {
        if (!config.name().equals(name)) {
            throw new IllegalArgumentException("pool \"" + name + "\" cannot take the settings of \"" + config.name()
                    + "\"");
        }
        settings = new Settings(config, settings, nanos, () -> targets);
    }

    /** The current targets (draining ones left out), in pool order. */
    public List<TargetState> targets() {
        return List.of(targets);
    }

    TargetState[] targetArray() {
        return targets;
    }

    /** The sticky cookie, when the policy is sticky. */
    public Optional<Balancing.Sticky> stickyCookie() {
        Upstream config = settings.config;
        return config.balancing().policy() == Balancing.Policy.STICKY
                ? Optional.of(config.balancing().sticky()) : Optional.empty();
    }

    // ---- picking

    /**
     * A target for a request, skipping {@code tried}. Healthy targets first; when none is healthy and the pool
     * fails open, any target that is not parked, draining or at its limit.
     */
    public Selection select(RequestKey key, Collection<TargetState> tried) {
        long now = nanos.getAsLong();
        Settings s = settings;
        TargetState[] snapshot = targets;
        Canary c = canary;
        if (c != null && c.running()) {
            Optional<Selection> toCanary = canaryPick(c, tried, now, s);
            if (toCanary.isPresent()) {
                return toCanary.get();
            }
            // Not the canary's turn (or it cannot take this one): the rest of the pool, as if it were not there.
            tried = new ArrayList<>(tried);
            tried.add(c.target());
        }
        Candidates healthy = new Candidates(snapshot, now, s.slowStartNanos, tried, s.unknownIsHealthy, false, key);
        TargetState t = s.balancer.pick(healthy);
        if (t == null && s.failOpen && !anyHealthy(snapshot, now, s.unknownIsHealthy)) {
            t = s.balancer.pick(new Candidates(snapshot, now, s.slowStartNanos, tried, s.unknownIsHealthy, true, key));
        }
        if (t == null) {
            return allBusy(snapshot, tried, now, s.unknownIsHealthy) ? Selection.BUSY : Selection.UNAVAILABLE;
        }
        if (!t.tryAcquire()) {
            // Another event loop took the last slot between the pick and now; let the caller wait for the next.
            return Selection.BUSY;
        }
        return new Selection.Picked(new TargetLease(this, t));
    }

    private Optional<Selection> canaryPick(Canary c, Collection<TargetState> tried, long now, Settings s) {
        TargetState t = c.target();
        if (!c.takesNext() || tried.contains(t) || t.draining() || t.ejected(now) || !t.healthy(s.unknownIsHealthy)
                || !t.tryAcquire()) {
            return Optional.empty();
        }
        return Optional.of(new Selection.Picked(new TargetLease(this, t)));
    }

    private static boolean anyHealthy(TargetState[] snapshot, long now, boolean unknownIsHealthy) {
        for (TargetState t : snapshot) {
            if (t.weight() > 0 && !t.draining() && t.healthy(unknownIsHealthy) && !t.ejected(now)) {
                return true;
            }
        }
        return false;
    }

    /** Some untried target would take the request but for its limit. */
    private static boolean allBusy(TargetState[] snapshot, Collection<TargetState> tried, long now,
                                   boolean unknownIsHealthy) {
        boolean anyHealthy = anyHealthy(snapshot, now, unknownIsHealthy);
        for (TargetState t : snapshot) {
            if (t.weight() > 0 && !t.draining() && !tried.contains(t) && !t.hasCapacity()
                    && (!anyHealthy || t.healthy(unknownIsHealthy) && !t.ejected(now))) {
                return true;
            }
        }
        return false;
    }

    /** Counts the first try of a request towards the retry budget. */
    public void countRequest() {
        settings.retryBudget.request();
    }

    /** Takes a retry from the budget ({@code retries.budget} of recent requests); false when it is spent. */
    public boolean tryRetry() {
        return settings.retryBudget.tryRetry();
    }

    // ---- the queue

    /**
     * Queues a request until a slot frees up; {@code wake} then runs on the releasing thread (hand it over to your
     * own). Empty when the queue is full.
     */
    public Optional<Waiter> enqueue(Runnable wake) {
        if (queued.incrementAndGet() > settings.config.queue().size()) {
            queued.decrementAndGet();
            return Optional.empty();
        }
        Waiter w = new Waiter(wake, queued);
        waiters.add(w);
        // A slot may have freed up between the failed pick and now, with nobody left to wake this waiter.
        if (anyCapacity()) {
            wakeNext();
        }
        return Optional.of(w);
    }

    private boolean anyCapacity() {
        for (TargetState t : targets) {
            if (t.weight() > 0 && !t.draining() && t.hasCapacity()) {
                return true;
            }
        }
        return false;
    }

    /** A slot freed up (or a woken request no longer needs it): wake the first request still waiting. */
    public void wakeNext() {
        Waiter w;
        while ((w = waiters.poll()) != null) {
            if (w.claim()) {
                return;
            }
        }
    }

    // ---- outcomes

    void responded(TargetState t, int status, long latencyNanos) {
        Canary c = canary;
        if (c != null) {
            c.answered(t, status, latencyNanos);
        }
        Settings s = settings;
        if (s.config.passive().map(p -> p.statuses().contains(status)).orElse(false)) {
            t.countFailure();
        }
        s.outliers.ifPresent(o -> o.responded(t, status, nanos.getAsLong()));
    }

    void failed(TargetState t, String why) {
        Canary c = canary;
        if (c != null) {
            c.failed(t);
        }
        t.countFailure();
        settings.outliers.ifPresent(o -> o.failed(t, why, nanos.getAsLong()));
    }

    /** Periodic housekeeping (about once a second): ejections that ended, drained targets that are done. */
    void tick() {
        Canary c = canary;
        if (c != null) {
            c.check();
        }
        Settings s = settings;
        s.outliers.ifPresent(o -> o.sweep(nanos.getAsLong()));
        draining.removeIf(t -> t.inFlight() == 0);
        long delay = s.config.deregistrationDelay().toNanos();
        long now = nanos.getAsLong();
        for (TargetState t : draining) {
            if (now - t.drainingSinceNanos() >= delay) {
                t.cuttable().forEach(TargetLease::cut); // the deregistration delay is over
            }
        }
    }

    /** A target became healthy by active checks: restart its slow-start ramp. */
    void becameHealthy(TargetState t) {
        t.rampFrom(nanos.getAsLong());
    }

    // ---- targets at run time (admin API); rare, so a lock is fine here and never taken by a pick

    /**
     * Adds a target, or re-weights it when its address is already in the pool. A new target starts unknown (or
     * unhealthy until checked, as the pool says) and ramps up over {@code slow_start}.
     */
    public synchronized TargetState add(Target target) {
        return add(target, TargetState.Origin.API);
    }

    /**
     * A target the reloaded file lists and the previous one did not: added as by {@link #add}, or re-weighted and
     * taken over by the file when it was registered at run time already.
     */
    public synchronized TargetState addFromFile(Target target) {
        TargetState t = add(target, TargetState.Origin.FILE);
        t.origin(TargetState.Origin.FILE);
        t.maxRequests(target.maxRequests());
        return t;
    }

    private TargetState add(Target target, TargetState.Origin origin) {
        Optional<TargetState> existing = find(target.address());
        if (existing.isPresent()) {
            existing.get().weight(target.weight());
            return existing.get();
        }
        TargetState state = new TargetState(target, nanos.getAsLong(), origin);
        TargetState[] next = java.util.Arrays.copyOf(targets, targets.length + 1);
        next[next.length - 1] = state;
        targets = next;
        return state;
    }

    /**
     * The reloaded file changed a target's weight or {@code max_requests}: the target takes them, keeping its live
     * state. A target no longer in the pool (removed at run time) is added back, as the file lists it.
     */
    public synchronized void retune(Target target) {
        Optional<TargetState> t = find(target.address());
        if (t.isPresent()) {
            t.get().weight(target.weight());
            t.get().maxRequests(target.maxRequests());
        } else {
            addFromFile(target);
        }
    }

    /**
     * The reloaded file no longer lists this target: it drains as by {@link #remove}, unless it was registered at run
     * time (admin API) since, which makes it the API's. Empty when nothing was removed.
     */
    public synchronized Optional<TargetState> removeFromFile(String address) {
        Optional<TargetState> t = find(address);
        if (t.isEmpty() || t.get().origin() != TargetState.Origin.FILE) {
            return Optional.empty();
        }
        return remove(address);
    }

    /** The pool is gone from the config: every target drains (in-flight requests get the deregistration delay). */
    public synchronized void drainAll() {
        for (TargetState t : targets) {
            remove(t.address());
        }
    }

    /** Sets a target's weight (0 parks it: no new requests, in-flight ones finish). False when there is none. */
    public synchronized boolean reweight(String address, int weight) {
        Optional<TargetState> t = find(address);
        t.ifPresent(s -> s.weight(weight));
        return t.isPresent();
    }

    /**
     * Removes a target: it takes no new requests and drains; {@link TargetState#inFlight()} tells when it is done.
     * Empty when there is no such target.
     */
    public synchronized Optional<TargetState> remove(String address) {
        Optional<TargetState> t = find(address);
        t.ifPresent(s -> {
            s.drain(nanos.getAsLong());
            List<TargetState> rest = new ArrayList<>(List.of(targets));
            rest.remove(s);
            targets = rest.toArray(TargetState[]::new);
            if (s.inFlight() > 0) {
                draining.add(s);
            }
        });
        return t;
    }

    private Optional<TargetState> find(String address) {
        for (TargetState t : targets) {
            if (t.address().equals(address)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    // ---- canary deploys

    /**
     * Starts a canary deploy: its target joins the pool (registered as through the admin API) and takes the first
     * step's share of requests. A finished canary is replaced.
     *
     * @throws IllegalStateException when one is running, or the address is a target of the pool already
     */
    public synchronized Canary startCanary(CanarySpec spec) {
        Canary c = canary;
        if (c != null && c.running()) {
            throw new IllegalStateException("a canary of " + c.target().address() + " is running in pool \"" + name
                    + "\" (step " + c.percent() + "%); DELETE it first");
        }
        if (find(spec.target().address()).isPresent()) {
            throw new IllegalStateException(spec.target().address() + " is a target of pool \"" + name
                    + "\" already (expected: the address of a new target)");
        }
        TargetState t = add(spec.target(), TargetState.Origin.API);
        t.rampFrom(nanos.getAsLong() - settings.slowStartNanos - 1); // the steps are its ramp
        canary = new Canary(this, spec, t, nanos, Clock.systemUTC());
        return canary;
    }

    /** The running canary, or the last finished one. */
    public Optional<Canary> canary() {
        return Optional.ofNullable(canary);
    }

    /**
     * A running canary is rolled back ("cancelled"); a finished one is forgotten. Empty when there was none.
     */
    public synchronized Optional<Canary> cancelCanary() {
        Canary c = canary;
        if (c == null) {
            return Optional.empty();
        }
        if (c.running()) {
            c.rollBack("cancelled");
        } else {
            canary = null;
        }
        return Optional.of(c);
    }

    /** The canary passed its last step: the other targets are parked, it keeps its weight. */
    synchronized void promote(Canary c) {
        for (TargetState t : targets) {
            if (t != c.target()) {
                t.weight(0);
            }
        }
    }

    /** The canary failed: weight 0 and drained like a removed target. */
    synchronized void rolledBack(Canary c) {
        c.target().weight(0);
        remove(c.target().address());
    }

    /** Targets removed but still finishing requests. */
    public List<TargetState> drainingTargets() {
        return List.copyOf(draining);
    }

    /** A read-only view for the admin API. */
    public PoolStatus status() {
        long now = nanos.getAsLong();
        List<PoolStatus.TargetStatus> out = new ArrayList<>();
        for (TargetState t : targets) {
            out.add(status(t, now));
        }
        for (TargetState t : draining) {
            out.add(status(t, now));
        }
        return new PoolStatus(name(), settings.config.balancing().policy().configName(), out,
                Math.max(0, queued.get()));
    }

    private PoolStatus.TargetStatus status(TargetState t, long now) {
        long checked = t.lastCheckMillis();
        return new PoolStatus.TargetStatus(t.address(), t.weight(), t.effectiveWeight(now, settings.slowStartNanos),
                t.health().label(), checked == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(checked)),
                t.lastError(), t.passStreak(), t.failStreak(), t.inFlight(), t.requests(), t.failures(),
                t.ejected(now), t.draining());
    }
}
