package dev.gatehouse.upstream;

import dev.gatehouse.config.Target;

import java.util.function.BooleanSupplier;

/**
 * Where targets registered through the admin API are kept besides this node's pools. Alone, nowhere: they live in
 * memory and are gone after a restart. In a cluster, in a shared store, so that every node sees them and a restarted
 * node gets them back; the store then also calls {@link Upstreams#reconcile} with what the other nodes registered.
 *
 * <p>The change to this node's pool is passed in as {@code local}, so that an implementation can apply it and record
 * it as one step (a reconciliation running meanwhile must not undo a registration it has not seen yet).
 */
public interface Registrations {

    /** Only this node's memory. */
    Registrations LOCAL = new Registrations() {
        @Override
        public boolean register(String pool, Target target, BooleanSupplier local) {
            return local.getAsBoolean();
        }

        @Override
        public boolean deregister(String pool, String address, BooleanSupplier local) {
            return local.getAsBoolean();
        }
    };

    /**
     * A target registered or re-weighted in {@code pool}: applies {@code local} and, when it changed something
     * (returned true), records the target's weight. Returns what {@code local} returned.
     */
    boolean register(String pool, Target target, BooleanSupplier local);

    /**
     * A target deregistered from {@code pool}: applies {@code local} (which drains it) and, when there was such a
     * target (it returned true), records its removal. Returns what {@code local} returned.
     */
    boolean deregister(String pool, String address, BooleanSupplier local);
}
