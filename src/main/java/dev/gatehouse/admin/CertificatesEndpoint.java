package dev.gatehouse.admin;

import dev.gatehouse.storage.StorageException;
import dev.gatehouse.certificates.CertificateStatus;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * <ul>
 *   <li>{@code GET /certificates}: every site's certificate and every other stored one: source, issuer, validity,
 *       days left, next renewal, last error</li>
 *   <li>{@code POST /certificates/{name}/renew}: forced renewal, 202 once started</li>
 * </ul>
 */
final class CertificatesEndpoint {
    private final RunningInstance instance;
    private final Clock clock;

    CertificatesEndpoint(RunningInstance instance, Clock clock) {
        this.instance = instance;
        this.clock = clock;
    }

    /** {@code seg} starts with "certificates". */
    Reply handle(String method, String path, List<String> seg) {
        if (seg.size() == 1) {
            AdminRouter.allow(method, path, "GET");
            return Reply.json(200, Map.of("certificates", statuses().stream().map(this::json).toList()));
        }
        if (seg.size() != 3 || !seg.get(2).equals("renew")) {
            throw AdminRouter.noSuchEndpoint(path);
        }
        AdminRouter.allow(method, path, "POST");
        return renew(seg.get(1));
    }

    private Reply renew(String name) {
        List<CertificateStatus> all = statuses();
        Optional<CertificateStatus> found = all.stream().filter(s -> s.inConfig() && s.name().equalsIgnoreCase(name))
                .findFirst();
        if (found.isEmpty()) {
            throw Problem.notFound("\"" + name + "\" is not a site of the running config (expected one of: "
                    + String.join(", ", all.stream().filter(CertificateStatus::inConfig)
                    .map(CertificateStatus::name).toList()) + ")").failure();
        }
        CertificateStatus s = found.get();
        if (s.isFiles()) {
            throw Problem.conflict(s.name() + " serves your own certificate files, which Gatehouse reloads when they "
                    + "change: there is nothing to renew").failure();
        }
        if (!instance.renew(s.name())) {
            throw Problem.conflict("HTTPS is off (listen: https: off): no certificates are managed").failure();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", s.name());
        out.put("renewal", "started");
        out.put("detail", "see GET /certificates for the outcome (last_attempt and last_error)");
        return Reply.json(202, out);
    }

    List<CertificateStatus> statuses() {
        try {
            return instance.certificates();
        } catch (StorageException e) {
            throw Problem.internal("cannot read the certificate storage: " + e.getMessage()).failure();
        }
    }

    Map<String, Object> json(CertificateStatus s) {
        Instant now = clock.instant();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("in_config", s.inConfig());
        m.put("source", s.source());
        m.put("issuer", s.issuer());
        m.put("not_before", s.notBefore().map(Instant::toString));
        m.put("not_after", s.notAfter().map(Instant::toString));
        m.put("days_left", s.daysLeft(now));
        m.put("expired", s.notAfter().map(t -> !t.isAfter(now)).orElse(false));
        m.put("near_expiry", s.nearExpiry(now));
        m.put("next_renewal", s.nextRenewal().map(Instant::toString));
        m.put("last_attempt", s.lastAttempt().map(Instant::toString));
        m.put("last_error", s.lastError());
        return m;
    }

    /** Expired, near expiry, or failing: what the status summary shows. */
    static boolean needsAttention(CertificateStatus s, Instant now) {
        return s.lastError().isPresent() || s.nearExpiry(now);
    }
}
