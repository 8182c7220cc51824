package dev.gatehouse.metrics;

import dev.gatehouse.upstream.Canary;
import dev.gatehouse.upstream.UpstreamPool;
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
 * Series of each pool's canary deploy, read from the live {@link Canary} at scrape time: its share of requests and
 * its state. A new canary in a pool gets fresh series; a forgotten one loses them.
 */
final class CanaryMeters {
    static final String PERCENT = "gatehouse.canary.percent";
    static final String STATE = "gatehouse.canary.state";

    private final DynamicMeters<String, Canary> meters;

    CanaryMeters(MeterRegistry registry) {
        this.meters = new DynamicMeters<>(registry, (pool, canary) -> register(registry, pool, canary));
    }

    void sync(Collection<UpstreamPool> pools) {
        Map<String, Canary> live = new HashMap<>();
        for (UpstreamPool pool : pools) {
            pool.canary().ifPresent(c -> live.put(pool.name(), c));
        }
        meters.sync(live);
    }

    private static List<Meter> register(MeterRegistry registry, String pool, Canary canary) {
        Tags tags = Tags.of("pool", pool, "target", canary.target().address());
        List<Meter> out = new ArrayList<>();
        out.add(Gauge.builder(PERCENT, canary, Canary::percent).strongReference(true)
                .description("the canary's share of the pool's requests in percent (0 once rolled back)")
                .tags(tags).register(registry));
        for (Canary.State s : Canary.State.values()) {
            out.add(Gauge.builder(STATE, canary, c -> c.state() == s ? 1 : 0).strongReference(true)
                    .description("1 for the canary's current state, 0 for the others")
                    .tags(tags).tag("state", s.label()).register(registry));
        }
        return out;
    }
}
