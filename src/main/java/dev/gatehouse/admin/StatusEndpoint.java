package dev.gatehouse.admin;

import dev.gatehouse.certificates.CertificateStatus;
import dev.gatehouse.upstream.PoolStatus;
import dev.gatehouse.upstream.UpstreamPool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * <ul>
 *   <li>{@code GET /status}: one summary for {@code gatehouse status} and the dashboard: version, uptime, listeners,
 *       sites, pools with target health counts, certificates needing attention, the latest errors</li>
 *   <li>{@code GET /errors}: the last {@value RecentErrors#CAPACITY} distinct WARN and ERROR log events, newest first,
 *   each with how often and since when it was seen</li>
 * </ul>
 */
final class StatusEndpoint {
    /** Errors in the status summary; {@code GET /errors} has them all. */
    static final int STATUS_ERRORS = 10;

    private final RunningInstance instance;
    private final CertificatesEndpoint certificates;
    private final RecentErrors errors;
    private final IntSupplier adminPort;
    private final Clock clock;

    StatusEndpoint(RunningInstance instance, CertificatesEndpoint certificates, RecentErrors errors,
                   IntSupplier adminPort, Clock clock) {
        this.instance = instance;
        this.certificates = certificates;
        this.errors = errors;
        this.adminPort = adminPort;
        this.clock = clock;
    }

    Reply errors(String method, String path) {
        AdminRouter.allow(method, path, "GET");
        return Reply.json(200, Map.of("errors", errors(RecentErrors.CAPACITY)));
    }

    Reply status(String method, String path) {
        AdminRouter.allow(method, path, "GET");
        Instant now = clock.instant();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", version());
        m.put("started", instance.startedAt().toString());
        m.put("uptime_seconds", Math.max(0, Duration.between(instance.startedAt(), now).toSeconds()));
        m.put("config", instance.config().source().toAbsolutePath().toString());
        Map<String, Object> listeners = new LinkedHashMap<>();
        listeners.put("addresses", instance.config().listen().addresses());
        listeners.putAll(instance.listeners());
        listeners.put("admin", adminPort.getAsInt());
        m.put("listeners", listeners);
        m.put("sites", instance.config().sites().size());
        m.put("pools", instance.upstreams().pools().values().stream().map(StatusEndpoint::pool).toList());
        List<CertificateStatus> all = certificates.statuses();
        Map<String, Object> certs = new LinkedHashMap<>();
        certs.put("total", all.size());
        certs.put("attention", all.stream().filter(s -> CertificatesEndpoint.needsAttention(s, now))
                .map(certificates::json).toList());
        m.put("certificates", certs);
        m.put("errors", errors(STATUS_ERRORS));
        return Reply.json(200, m);
    }

    private static Map<String, Object> pool(UpstreamPool pool) {
        PoolStatus p = pool.status();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("policy", p.policy());
        m.put("targets", p.targets().stream().filter(t -> !t.draining()).count());
        for (String health : List.of("healthy", "unhealthy", "unknown")) {
            m.put(health, p.targets().stream().filter(t -> !t.draining() && t.health().equals(health)).count());
        }
        m.put("ejected", p.targets().stream().filter(PoolStatus.TargetStatus::ejected).count());
        m.put("draining", p.targets().stream().filter(PoolStatus.TargetStatus::draining).count());
        m.put("in_flight", p.targets().stream().mapToInt(PoolStatus.TargetStatus::inFlight).sum());
        m.put("requests", p.targets().stream().mapToLong(PoolStatus.TargetStatus::requests).sum());
        m.put("queued", p.queued());
        return m;
    }

    private List<Map<String, Object>> errors(int limit) {
        return errors.recent(limit).stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", e.time().toString());
            m.put("level", e.level());
            m.put("logger", e.logger());
            m.put("message", e.message());
            m.put("count", e.count());
            m.put("first", e.first().toString());
            return m;
        }).toList();
    }

    /** The jar's version, {@code dev} when run from classes. */
    static String version() {
        String v = StatusEndpoint.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
