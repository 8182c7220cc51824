package dev.gatehouse.limits;

import java.util.function.LongConsumer;

/**
 * Where rate-limit buckets live. This process's memory by default ({@link #memory}); a store shared by several nodes
 * implements the same two calls, atomically on its side (for Redis, one script doing {@link Gcra#next}).
 */
public interface CounterStore {

    /**
     * The buckets of one limit. Every limit has its own namespace: two limits never share a bucket unless they ask for
     * the same {@code name} (a {@code zone:} in the config), which then must come with the same {@code gcra}.
     */
    Buckets buckets(String name, Gcra gcra);

    /** The buckets of one limit, keyed by {@link BucketKey}. */
    interface Buckets {
        /**
         * One request against {@code key}'s bucket, now: updates it as {@link Gcra#next} says and hands the backlog the
         * request saw to {@code outcome} ({@link Gcra#admits} tells whether it passed). A memory store calls back
         * before returning; a remote one later, on a thread of its own.
         */
        void take(BucketKey key, LongConsumer outcome);

        /**
         * Gives back what an admitted request took (another limit stacked with this one refused the request, so it
         * does not count here).
         */
        void refund(BucketKey key);

        /** The limit's parameters. */
        Gcra gcra();
    }

    /**
     * Buckets in this process's memory, at most {@code maxKeys} per limit, forgotten once they are as good as fresh.
     *
     * @param clock nanoseconds, monotonic ({@code System::nanoTime}; a virtual clock in tests)
     */
    static CounterStore memory(java.util.function.LongSupplier clock, long maxKeys) {
        return new MemoryCounterStore(clock, maxKeys);
    }
}
