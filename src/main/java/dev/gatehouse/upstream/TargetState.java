package dev.gatehouse.upstream;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.gatehouse.config.Target;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One target of a live pool and everything known about it: weight, health from active checks, requests in flight,
 * counters, passive ejection, slow-start ramp and draining. Read on every event loop and written by the health
 * checker and by outcomes, so every field is atomic or volatile; nothing here locks.
 */
public final class TargetState {
    private final Target target;
    private final String stickyId;
    private volatile int weight;
    private volatile int maxRequests;
    private volatile Origin origin;
    private volatile boolean draining;
    private volatile long drainingSinceNanos;
    private final Set<TargetLease> cuttable = ConcurrentHashMap.newKeySet();

    // Active checks (written by the checker's thread only).
    private volatile Health health = Health.UNKNOWN;
    private volatile int passStreak;
    private volatile int failStreak;
    private volatile long lastCheckMillis;
    private volatile String lastError = "";

    // Traffic.
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final LongAdder failures = new LongAdder();

    // Passive checks.
    final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile long ejectedUntilNanos;
    private volatile boolean ejected;
    volatile int ejections;

    /** Start of the current slow-start ramp (becoming healthy, returning from ejection, being added). */
    private volatile long usableSinceNanos;

    /**
     * @param target           the configured target; its identity keys the keep-alive connections
     * @param usableSinceNanos when the target started to take traffic (for slow start); long ago for a fresh pool
     */
    TargetState(Target target, long usableSinceNanos) {
        this(target, usableSinceNanos, Origin.FILE);
    }

    TargetState(Target target, long usableSinceNanos, Origin origin) {
        this.target = Objects.requireNonNull(target, "target");
        this.weight = target.weight();
        this.maxRequests = target.maxRequests();
        this.origin = Objects.requireNonNull(origin, "origin");
        this.stickyId = stickyId(target.address());
        this.usableSinceNanos = usableSinceNanos;
    }

    public Target target() {
        return target;
    }

    public String address() {
        return target.address();
    }

    /** The current weight (the configured one until re-weighted at run time). */
    public int weight() {
        return weight;
    }

    void weight(int newWeight) {
        weight = newWeight;
    }

    /** The current limit of requests in flight, 0 for none (the configured one until the file changes it). */
    public int maxRequests() {
        return maxRequests;
    }

    void maxRequests(int limit) {
        maxRequests = limit;
    }

    /**
     * Where the target came from. A reload adds, re-weights and removes only what the file changed, and never
     * removes a target registered through the admin API; a target the file lists becomes the file's.
     */
    public Origin origin() {
        return origin;
    }

    void origin(Origin o) {
        origin = o;
    }

    /** Where a target came from. */
    public enum Origin {
        /** Listed in the config file; a reload whose file no longer lists it drains it. */
        FILE("file"),
        /** Registered at run time (admin API); lives in memory only and survives reloads, not restarts. */
        API("api"),
        /**
         * The target of a canary deploy (admin API or the file's {@code canary:}): the canary sets its share and its
         * end; a reload's target list and the registrations leave it alone until the file lists it as a target.
         */
        CANARY("canary");

        private final String label;

        Origin(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Opaque id put in the sticky cookie: does not reveal the address, the same on every Gatehouse node. */
    public String stickyId() {
        return stickyId;
    }

    public boolean draining() {
        return draining;
    }

    /** Removed from the pool: no new requests; in-flight ones finish (see {@link #inFlight()}). */
    void drain(long nowNanos) {
        drainingSinceNanos = nowNanos;
        draining = true;
    }

    /** When draining began ({@link System#nanoTime()} clock); meaningful only while {@link #draining()}. */
    long drainingSinceNanos() {
        return drainingSinceNanos;
    }

    /** Leases that can be cut short (their connection closed) when the deregistration delay is over. */
    Set<TargetLease> cuttable() {
        return cuttable;
    }

    public Health health() {
        return health;
    }

    void health(Health h) {
        health = h;
    }

    public int passStreak() {
        return passStreak;
    }

    public int failStreak() {
        return failStreak;
    }

    void streaks(int pass, int fail) {
        passStreak = pass;
        failStreak = fail;
    }

    /** Wall-clock time of the last finished check in epoch millis, 0 before the first. */
    public long lastCheckMillis() {
        return lastCheckMillis;
    }

    /** Why the last failed check failed ("" until one failed). */
    public String lastError() {
        return lastError;
    }

    void checked(long epochMillis, String error) {
        lastCheckMillis = epochMillis;
        if (error != null) {
            lastError = error;
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    public long requests() {
        return requests.sum();
    }

    public long failures() {
        return failures.sum();
    }

    void countFailure() {
        failures.increment();
    }

    /** Takes a request slot unless the target is at {@code max_requests}. */
    boolean tryAcquire() {
        int limit = maxRequests;
        while (true) {
            int n = inFlight.get();
            if (limit > 0 && n >= limit) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                requests.increment();
                return true;
            }
        }
    }

    void release() {
        inFlight.decrementAndGet();
    }

    boolean hasCapacity() {
        int limit = maxRequests;
        return limit == 0 || inFlight.get() < limit;
    }

    public boolean ejected(long nowNanos) {
        return ejected && nowNanos - ejectedUntilNanos < 0;
    }

    long ejectedUntilNanos() {
        return ejectedUntilNanos;
    }

    /** Ejects until {@code untilNanos}; the slow-start ramp restarts then. */
    void eject(long untilNanos) {
        ejectedUntilNanos = untilNanos;
        usableSinceNanos = untilNanos;
        ejected = true;
    }

    /** Whether an ejection has ended since it was noted (clears it, so it is reported once). */
    boolean ejectionEnded(long nowNanos) {
        if (ejected && nowNanos - ejectedUntilNanos >= 0) {
            ejected = false;
            return true;
        }
        return false;
    }

    /** Restarts the slow-start ramp (the target just became healthy). */
    void rampFrom(long nowNanos) {
        usableSinceNanos = nowNanos;
    }

    /** Weight after the slow-start ramp. */
    int effectiveWeight(long nowNanos, long slowStartNanos) {
        return SlowStart.weight(weight, usableSinceNanos, nowNanos, slowStartNanos);
    }

    /** Healthy enough for traffic by active checks, given how the pool counts a target never checked. */
    boolean healthy(boolean unknownIsHealthy) {
        Health h = health;
        return h == Health.HEALTHY || h == Health.UNKNOWN && unknownIsHealthy;
    }

    private static String stickyId(String address) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(address.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    @Override
    public String toString() {
        return target.address();
    }
}
