package dev.gatehouse.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Client connections cut short by Gatehouse's client timeouts, per listener, by what the client was slow with. Each
 * counter is made once per listener, so counting costs an increment.
 */
public final class ClientTimeoutMeters {
    static final String NAME = "gatehouse.client.timeouts";

    private final Counter head;
    private final Counter body;
    private final Counter silent;

    ClientTimeoutMeters(MeterRegistry registry, String listener) {
        head = counter(registry, listener, "head");
        body = counter(registry, listener, "body");
        silent = counter(registry, listener, "silent");
    }

    private static Counter counter(MeterRegistry registry, String listener, String reason) {
        return Counter.builder(NAME).description("client connections cut by a client timeout")
                .tags("listener", listener, "reason", reason).register(registry);
    }

    /** A request head not complete within {@code timeouts.client_header}: 408. */
    public void head() {
        head.increment();
    }

    /** A request body that paused longer than {@code timeouts.client_body}: 408 (or a close). */
    public void body() {
        body.increment();
    }

    /** A connection that sent nothing within {@code timeouts.client_header}: closed without an answer. */
    public void silent() {
        silent.increment();
    }
}
