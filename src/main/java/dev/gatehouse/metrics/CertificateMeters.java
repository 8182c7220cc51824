package dev.gatehouse.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Seconds until each served certificate expires (negative once it has), computed at scrape time. */
final class CertificateMeters {
    static final String EXPIRY = "gatehouse.certificate.expiry.seconds";

    private final DynamicMeters<String, Instant> meters;

    CertificateMeters(MeterRegistry registry, Clock clock) {
        this.meters = new DynamicMeters<>(registry, (name, notAfter) -> List.of(
                Gauge.builder(EXPIRY, notAfter, n -> (n.toEpochMilli() - clock.millis()) / 1000.0)
                        .strongReference(true)
                        .description("seconds until the certificate served for this name expires")
                        .tag("name", name).register(registry)));
    }

    void sync(Map<String, Instant> expiries) {
        meters.sync(expiries);
    }
}
