package dev.gatehouse.proxy;

import dev.gatehouse.upstream.RequestKey;
import dev.gatehouse.upstream.Selection;
import dev.gatehouse.upstream.TargetLease;
import dev.gatehouse.upstream.TargetState;
import dev.gatehouse.upstream.UpstreamPool;
import dev.gatehouse.upstream.Waiter;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Chooses the targets of one exchange: the first pick, a place in the pool's queue while every target is at its
 * {@code max_requests} (at most {@code queue.timeout}), then other targets not yet tried after a failure, within
 * {@code retries.attempts} and the pool's retry budget. Confined to the exchange's event loop.
 */
final class TargetPicker {

    /** What the exchange does with the outcome of {@link #first()}. */
    interface Outcome {
        void picked(TargetLease lease);

        void failed(ProxyFailure failure);

        /** Whether the exchange has ended meanwhile (a slot it was woken for then goes to the next in line). */
        boolean ended();
    }

    private final UpstreamPool pool;
    private final RequestKey key;
    private final EventLoop loop;
    private final Outcome outcome;
    private final List<TargetState> tried = new ArrayList<>(2);
    private Waiter waiter;
    private ScheduledFuture<?> queueTimer;
    private int retries;

    TargetPicker(UpstreamPool pool, RequestKey key, EventLoop loop, Outcome outcome) {
        this.pool = pool;
        this.key = key;
        this.loop = loop;
        this.outcome = outcome;
    }

    /** The first pick: a target, else a place in the queue when all are at their limit, else 503. */
    void first() {
        Selection s = pool.select(key, tried);
        if (s instanceof Selection.Picked picked) {
            outcome.picked(take(picked.lease()));
        } else if (s instanceof Selection.Busy) {
            await();
        } else {
            outcome.failed(ProxyFailure.NO_TARGET);
        }
    }

    private void await() {
        Optional<Waiter> w = pool.enqueue(() -> loop.execute(this::dequeued));
        if (w.isEmpty()) {
            outcome.failed(ProxyFailure.QUEUE_FULL);
            return;
        }
        waiter = w.get();
        if (queueTimer == null) {
            queueTimer = loop.schedule(() -> {
                if (waiter != null && waiter.cancel()) {
                    waiter = null;
                    outcome.failed(ProxyFailure.QUEUE_TIMEOUT);
                }
            }, pool.config().queue().timeout().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void dequeued() {
        waiter = null;
        if (outcome.ended()) {
            pool.wakeNext(); // the slot this exchange was woken for goes to the next in line
            return;
        }
        first();
    }

    /** A target not tried yet, after a failure; empty when there is none left. */
    Optional<TargetLease> another() {
        Selection s = pool.select(key, tried);
        return s instanceof Selection.Picked picked ? Optional.of(take(picked.lease())) : Optional.empty();
    }

    /** Whether one more try after a failure is allowed: within retries.attempts, and the budget has room. */
    boolean mayRetry() {
        return retries < pool.config().retries().attempts() && pool.tryRetry();
    }

    /** Counts a retry that was made. */
    void retried() {
        retries++;
    }

    private TargetLease take(TargetLease lease) {
        if (queueTimer != null) {
            queueTimer.cancel(false);
        }
        tried.add(lease.target());
        return lease;
    }

    /** The exchange ended: leave the queue. */
    void cancel() {
        if (waiter != null && waiter.cancel()) {
            waiter = null;
        }
        if (queueTimer != null) {
            queueTimer.cancel(false);
        }
    }
}
