package dev.gatehouse.metrics;

import dev.gatehouse.upstream.Health;
import dev.gatehouse.upstream.TargetState;
import dev.gatehouse.upstream.UpstreamPool;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-target series of the upstream pools, read from the live {@link TargetState}s at scrape time. Targets added
 * through the admin API appear at the next scrape; removed ones disappear once they have drained.
 */
final class UpstreamMeters {
    static final String HEALTH = "gatehouse.upstream.target.health";
    static final String EJECTED = "gatehouse.upstream.target.ejected";
    static final String DRAINING = "gatehouse.upstream.target.draining";
    static final String IN_FLIGHT = "gatehouse.upstream.target.in.flight";
    static final String WEIGHT = "gatehouse.upstream.target.weight";
    static final String REQUESTS = "gatehouse.upstream.target.requests";
    static final String FAILURES = "gatehouse.upstream.target.failures";

    record Key(String pool, String target) {
    }

    private final DynamicMeters<Key, TargetState> meters;

    UpstreamMeters(MeterRegistry registry) {
        this.meters = new DynamicMeters<>(registry, (key, target) -> register(registry, key, target));
    }

    void sync(Collection<UpstreamPool> pools) {
        Map<Key, TargetState> live = new HashMap<>();
        for (UpstreamPool pool : pools) {
            for (TargetState t : pool.targets()) {
                live.put(new Key(pool.name(), t.address()), t);
            }
            // A target removed and added again while the old one drains: the serving one is reported.
            for (TargetState t : pool.drainingTargets()) {
                live.putIfAbsent(new Key(pool.name(), t.address()), t);
            }
        }
        meters.sync(live);
    }

    private static List<Meter> register(MeterRegistry registry, Key key, TargetState target) {
        Tags tags = Tags.of("pool", key.pool(), "target", key.target());
        List<Meter> out = new ArrayList<>();
        for (Health h : Health.values()) {
            out.add(Gauge.builder(HEALTH, target, t -> t.health() == h ? 1 : 0).strongReference(true)
                    .description("1 for the target's current state from active health checks, 0 for the others")
                    .tags(tags).tag("state", h.label()).register(registry));
        }
        out.add(Gauge.builder(EJECTED, target, t -> t.ejected(System.nanoTime()) ? 1 : 0).strongReference(true)
                .description("1 while passive health checks keep the target out").tags(tags).register(registry));
        out.add(Gauge.builder(DRAINING, target, t -> t.draining() ? 1 : 0).strongReference(true)
                .description("1 when the target was removed and finishes its requests").tags(tags).register(registry));
        out.add(Gauge.builder(IN_FLIGHT, target, TargetState::inFlight).strongReference(true)
                .description("requests the target is answering now").tags(tags).register(registry));
        out.add(Gauge.builder(WEIGHT, target, TargetState::weight).strongReference(true)
                .description("the target's balancing weight").tags(tags).register(registry));
        // Function counters hold their object weakly: DynamicMeters holds the target for as long as they exist.
        out.add(FunctionCounter.builder(REQUESTS, target, TargetState::requests)
                .description("requests sent to the target").tags(tags).register(registry));
        out.add(FunctionCounter.builder(FAILURES, target, TargetState::failures)
                .description("requests to the target that failed (refused, reset, timed out or a passive-check status)")
                .tags(tags).register(registry));
        return out;
    }
}
