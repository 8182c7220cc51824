package dev.gatehouse.certificates;

import dev.gatehouse.config.Notify;
import dev.gatehouse.storage.CertifiedKey;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Tells the webhook of {@code notify:} about certificate trouble, each thing once:
 * <ul>
 *   <li>{@code renewal_failed}: the first failure of a run of failed orders (not every retry);</li>
 *   <li>{@code renewal_recovered}: the first success after such a run;</li>
 *   <li>{@code expiring}: the served certificate is within its last stretch (fewer than 14 days, or a third of a
 *       short lifetime, left) and its renewal is failing: once per certificate;</li>
 *   <li>{@code expired}: the served certificate has expired: once per certificate.</li>
 * </ul>
 * The JSON: {@code {"event", "name", "names", "at", "not_after", "error", "attempts", "next_attempt"}} (the last ones
 * when known). Thread-safe; never blocks the caller.
 */
final class CertificateAlerts {
    /** Less time left than this is the last stretch (for certificates living longer than six weeks). */
    static final Duration LAST_STRETCH = Duration.ofDays(14);

    private final Supplier<Notify> notify;
    private final Webhook webhook;
    private final Clock clock;
    /** Certificates whose renewal is failing now (reported), by id. */
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    /** What was already said about which served certificate: "expiring:id:notAfter", "expired:id:notAfter". */
    private final Set<String> said = ConcurrentHashMap.newKeySet();

    CertificateAlerts(Supplier<Notify> notify, Webhook webhook, Clock clock) {
        this.notify = notify;
        this.webhook = webhook;
        this.clock = clock;
    }

    /** An order for {@code certificate} failed; {@code served} is what is served meanwhile, if anything. */
    void failed(ManagedCertificate certificate, String error, int attempts, Instant nextAttempt,
                Optional<CertifiedKey> served) {
        if (failing.add(certificate.id())) {
            Map<String, Object> m = event("renewal_failed", certificate);
            served.ifPresent(s -> m.put("not_after", s.notAfter()));
            m.put("error", error);
            m.put("attempts", attempts);
            m.put("next_attempt", nextAttempt);
            send(m, certificate);
        }
        served.ifPresent(s -> check(certificate, s));
    }

    /** An order for {@code certificate} succeeded. */
    void succeeded(ManagedCertificate certificate, CertifiedKey issued) {
        if (failing.remove(certificate.id())) {
            Map<String, Object> m = event("renewal_recovered", certificate);
            m.put("not_after", issued.notAfter());
            send(m, certificate);
        }
    }

    /** Looks at what is served for {@code certificate}: expired, or in its last stretch while renewal fails. */
    void check(ManagedCertificate certificate, CertifiedKey served) {
        Instant now = clock.instant();
        Instant notAfter = served.notAfter();
        if (!now.isBefore(notAfter)) {
            once("expired", certificate, served);
        } else if (failing.contains(certificate.id()) && inLastStretch(served, now)) {
            once("expiring", certificate, served);
        }
    }

    static boolean inLastStretch(CertifiedKey served, Instant now) {
        Instant notBefore = served.leaf().getNotBefore().toInstant();
        Duration third = Duration.between(notBefore, served.notAfter()).dividedBy(3);
        Duration stretch = third.compareTo(LAST_STRETCH) < 0 ? third : LAST_STRETCH;
        return Duration.between(now, served.notAfter()).compareTo(stretch) < 0;
    }

    private void once(String kind, ManagedCertificate certificate, CertifiedKey served) {
        if (said.add(kind + ":" + certificate.id() + ":" + served.notAfter())) {
            Map<String, Object> m = event(kind, certificate);
            m.put("not_after", served.notAfter());
            send(m, certificate);
        }
    }

    private Map<String, Object> event(String kind, ManagedCertificate certificate) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", kind);
        m.put("name", certificate.id());
        m.put("names", certificate.names());
        m.put("at", clock.instant());
        return m;
    }

    private void send(Map<String, Object> event, ManagedCertificate certificate) {
        Optional<URI> url = notify.get().webhook();
        url.ifPresent(u -> webhook.post(u, json(event), event.get("event") + " " + certificate.id()));
    }

    /** A flat JSON object of strings, numbers, instants and string lists. */
    static String json(Map<String, Object> fields) {
        StringBuilder out = new StringBuilder("{");
        fields.forEach((k, v) -> {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(quote(k)).append(':').append(value(v));
        });
        return out.append('}').toString();
    }

    private static String value(Object v) {
        if (v instanceof Number n) {
            return n.toString();
        }
        if (v instanceof List<?> list) {
            StringBuilder out = new StringBuilder("[");
            for (Object item : list) {
                out.append(out.length() > 1 ? "," : "").append(quote(String.valueOf(item)));
            }
            return out.append(']').toString();
        }
        return quote(String.valueOf(v));
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
