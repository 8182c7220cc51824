package dev.gatehouse.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;

import java.util.concurrent.atomic.LongAdder;

/** The open client connections of one listener and protocol: a gauge over a counter the event loops update. */
public final class ConnectionCount {
    static final String OPEN = "gatehouse.connections.open";

    /** Updated by every event loop once per connection open and close; an adder keeps them off one cache line. */
    private final LongAdder open = new LongAdder();

    ConnectionCount(MeterRegistry registry, String listener, String protocol) {
        Gauge.builder(OPEN, open, LongAdder::sum).strongReference(true)
                .description("client connections open now")
                .tags("listener", listener, "protocol", protocol).register(registry);
    }

    /** Counts {@code channel} as open until it closes. */
    public void track(Channel channel) {
        open.increment();
        channel.closeFuture().addListener(f -> open.decrement());
    }

    /** For a connection that changes protocol (e.g. after ALPN): counted here from now, see {@link #closed()}. */
    public void opened() {
        open.increment();
    }

    public void closed() {
        open.decrement();
    }
}
