package dev.gatehouse.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** One site's latency histograms (one per status class, made on first use) and body byte counters. */
final class SiteMeters {
    static final String REQUESTS = "gatehouse.requests";
    static final String DURATION = "gatehouse.request.duration";
    static final String RECEIVED = "gatehouse.received.bytes";
    static final String SENT = "gatehouse.sent.bytes";
    /**
     * Histogram buckets: a few fixed boundaries rather than client-side percentiles, which cannot be aggregated
     * across label sets or instances; from a fast local answer to a slow upstream.
     */
    static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    private final String site;
    private final Timer[] durations = new Timer[RouteMeters.STATUSES.length];
    private final Counter received;
    private final Counter sent;

    SiteMeters(MeterRegistry registry, String site) {
        this.registry = registry;
        this.site = site;
        this.received = Counter.builder(RECEIVED).description("request body bytes received").tag("site", site)
                .register(registry);
        this.sent = Counter.builder(SENT).description("response body bytes sent").tag("site", site)
                .register(registry);
    }

    Counter requestCounter(String route, String method, String status) {
        return Counter.builder(REQUESTS).description("requests answered")
                .tags("site", site, "route", route, "method", method, "status", status)
                .register(registry);
    }

    void record(int statusClass, long nanos, long bytesIn, long bytesOut) {
        Timer t = durations[statusClass];
        if (t == null) {
            t = Timer.builder(DURATION).description("time from the request head to the last response byte")
                    .tags("site", site, "status", RouteMeters.STATUSES[statusClass])
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry);
            durations[statusClass] = t;
        }
        t.record(nanos, TimeUnit.NANOSECONDS);
        if (bytesIn > 0) {
            received.increment(bytesIn);
        }
        if (bytesOut > 0) {
            sent.increment(bytesOut);
        }
    }
}
