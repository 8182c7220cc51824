package dev.gatehouse.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Meters for things that come and go at run time (upstream targets, certificates), brought in line with the live
 * set before each scrape: a new key gets its meters, a key whose source object changed gets new ones (a target
 * removed and added again is a new target with fresh counters), a key that is gone loses its series. Not
 * thread-safe: the caller scrapes under a lock.
 *
 * @param <K> what identifies one thing in the labels
 * @param <S> the live object the meters read
 */
final class DynamicMeters<K, S> {
    private record Registered<S>(S source, List<Meter> meters) {
    }

    private final MeterRegistry registry;
    private final BiFunction<K, S, List<Meter>> register;
    private final Map<K, Registered<S>> registered = new HashMap<>();

    /** @param register makes (registers) the meters of one thing; they must hold {@code S} strongly or read it */
    DynamicMeters(MeterRegistry registry, BiFunction<K, S, List<Meter>> register) {
        this.registry = registry;
        this.register = register;
    }

    void sync(Map<K, S> live) {
        for (Iterator<Map.Entry<K, Registered<S>>> it = registered.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<K, Registered<S>> e = it.next();
            if (live.get(e.getKey()) != e.getValue().source()) {
                e.getValue().meters().forEach(registry::remove);
                it.remove();
            }
        }
        live.forEach((key, source) -> registered.computeIfAbsent(key,
                k -> new Registered<>(source, register.apply(k, source))));
    }
}
