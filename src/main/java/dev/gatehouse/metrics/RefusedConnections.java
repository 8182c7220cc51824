package dev.gatehouse.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Client connections closed at once because {@code limits.max_connections} were open, per listener. */
public final class RefusedConnections {
    static final String NAME = "gatehouse.connections.refused";

    private final Counter counter;

    RefusedConnections(MeterRegistry registry, String listener) {
        counter = Counter.builder(NAME).description("client connections refused: limits.max_connections reached")
                .tags("listener", listener, "reason", "max_connections").register(registry);
    }

    public void increment() {
        counter.increment();
    }
}
