package dev.gatehouse.upstream;

/**
 * One request's hold on a target: counted in flight from the pick until {@link #release}, which must be called
 * exactly once (later calls do nothing). Outcomes feed the passive checks and the counters. Confined to the
 * request's event loop.
 */
public final class TargetLease {
    private final UpstreamPool pool;
    private final TargetState target;
    private final long pickedNanos = System.nanoTime();
    private boolean released;
    private volatile Runnable cut;

    TargetLease(UpstreamPool pool, TargetState target) {
        this.pool = pool;
        this.target = target;
    }

    public TargetState target() {
        return target;
    }

    /** The target answered with {@code status}. */
    public void responded(int status) {
        pool.responded(target, status, System.nanoTime() - pickedNanos);
    }

    /** The target refused, reset, or timed out ({@code why} is a short word for logs, e.g. connect-refused). */
    public void failed(String why) {
        pool.failed(target, why);
    }

    /**
     * How to end this request early (close its upstream connection, thread-safe) when the target is removed and its
     * deregistration delay is over. Requests and tunnels without one simply run to their end.
     */
    public void cutWith(Runnable cut) {
        this.cut = cut;
        target.cuttable().add(this);
    }

    /** Ends the request early: the deregistration delay of its removed target is over. */
    void cut() {
        Runnable c = cut;
        if (c != null) {
            c.run();
        }
    }

    /** The request is over with this target: frees its slot and wakes a queued request. */
    public void release() {
        if (!released) {
            released = true;
            target.cuttable().remove(this);
            target.release();
            pool.wakeNext();
        }
    }
}
