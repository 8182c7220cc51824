package dev.gatehouse.cluster;

import dev.gatehouse.config.Cluster;
import dev.gatehouse.limits.BucketKey;
import dev.gatehouse.limits.CounterStore;
import dev.gatehouse.limits.Gcra;
import io.lettuce.core.ScriptOutputType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;

/**
 * Rate-limit buckets shared by every node: one atomic script in Redis per request ({@code gcra.lua}, GCRA on Redis's
 * clock), answered on a Lettuce thread (the rate-limit stage waits in a {@code Deferred}, never blocking its loop).
 * While Redis is unreachable or slower than {@link Cluster#REQUEST_TIMEOUT}, each node counts locally at 1/N of each
 * limit, N being the nodes alive when Redis was last seen: together they stay near the limit, nobody gets 429 for
 * Redis's sake, and nobody is unlimited. Switching to local counting and back is logged once each.
 */
final class RedisCounterStore implements CounterStore {
    private static final Logger log = LoggerFactory.getLogger(RedisCounterStore.class);
    private static final LuaScript GCRA = LuaScript.load("gcra.lua");
    private static final byte[] TAKE = LuaScript.arg("take");
    private static final byte[] REFUND = LuaScript.arg("refund");

    private final RedisLink link;
    private final ClusterKeys keys;
    private final IntSupplier nodes;
    private final CounterStore local;
    private final AtomicBoolean countingLocally = new AtomicBoolean();

    /**
     * @param nodes how many nodes share the limits (at least 1): each counts 1/N of a limit while Redis is away
     * @param local this node's memory buckets for those times
     */
    RedisCounterStore(RedisLink link, ClusterKeys keys, IntSupplier nodes, CounterStore local) {
        this.link = link;
        this.keys = keys;
        this.nodes = nodes;
        this.local = local;
    }

    @Override
    public Buckets buckets(String name, Gcra gcra) {
        return new SharedBuckets(name, gcra);
    }

    /** Whether requests are counted locally now (Redis away). */
    boolean countingLocally() {
        return countingLocally.get();
    }

    private final class SharedBuckets implements Buckets {
        private final String name;
        private final Gcra gcra;
        private final byte[] interval;
        private final byte[] tolerance;

        SharedBuckets(String name, Gcra gcra) {
            this.name = name;
            this.gcra = gcra;
            // Microseconds in Redis (see gcra.lua); rounding down keeps the script's verdict the same as admits().
            this.interval = LuaScript.arg(Math.max(1, gcra.intervalNanos() / 1000));
            this.tolerance = LuaScript.arg(gcra.toleranceNanos() / 1000);
        }

        @Override
        public void take(BucketKey key, LongConsumer outcome) {
            if (!link.isUp()) {
                takeLocally(key, outcome);
                return;
            }
            GCRA.<Long>run(link, ScriptOutputType.INTEGER, Cluster.REQUEST_TIMEOUT,
                    new String[] {keys.bucket(name, key.hex())}, interval, tolerance, TAKE)
                    .whenComplete((backlogMicros, error) -> {
                        if (error != null) {
                            takeLocally(key, outcome);
                            return;
                        }
                        if (countingLocally.compareAndSet(true, false)) {
                            log.info("cluster rate limits: counted in Redis again, across all nodes");
                        }
                        outcome.accept(backlogMicros * 1000);
                    });
        }

        private void takeLocally(BucketKey key, LongConsumer outcome) {
            int n = Math.max(1, nodes.getAsInt());
            if (countingLocally.compareAndSet(false, true)) {
                log.warn("cluster rate limits: Redis unavailable, each limit counted locally at 1/{} of its rate "
                        + "({} node{} seen)", n, n, n == 1 ? "" : "s");
            }
            localBuckets(n).take(key, outcome);
        }

        /** 1/N of the rate with the same tolerance in time: N nodes together admit about the whole limit. */
        private Buckets localBuckets(int n) {
            Gcra share = new Gcra(Math.multiplyExact(gcra.intervalNanos(), (long) n), gcra.toleranceNanos());
            return local.buckets(name, share);
        }

        @Override
        public void refund(BucketKey key) {
            if (countingLocally.get() || !link.isUp()) {
                localBuckets(Math.max(1, nodes.getAsInt())).refund(key);
                return;
            }
            GCRA.run(link, ScriptOutputType.INTEGER, Cluster.REQUEST_TIMEOUT,
                    new String[] {keys.bucket(name, key.hex())}, interval, tolerance, REFUND);
        }

        @Override
        public Gcra gcra() {
            return gcra;
        }
    }
}
