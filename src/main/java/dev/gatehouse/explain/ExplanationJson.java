package dev.gatehouse.explain;

import dev.gatehouse.config.ConfigLocations.Location;
import dev.gatehouse.upstream.PoolPreview;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link Explanation} as plain JSON values (maps, lists, strings, numbers, booleans), for the admin API's
 * {@code POST /explain}; {@link ExplanationText} prints the same values. Absent values are left out.
 */
public final class ExplanationJson {
    private ExplanationJson() {
    }

    public static Map<String, Object> of(Explanation e) {
        Map<String, Object> m = new LinkedHashMap<>();
        Explanation.Request r = e.request();
        m.put("request", object("method", r.method(), "url", r.url(), "host", r.host(), "client", r.client(), "peer", r.peer().equals(r.client()) ? "" : r.peer(),
                "client_given", r.clientGiven(), "headers", r.headers()));
        m.put("origin", e.origin());
        m.put("live", e.live());
        m.put("listener", object("scheme", e.listener().scheme(), "on", e.listener().on(), "port",
                e.listener().port(), "note", e.listener().note()));
        m.put("site", object("name", e.site().name(), "how", e.site().how(), "at", at(e.site().at())));
        m.put("routes", e.routes().stream().map(s -> object("index", s.index(), "at", at(s.at()), "conditions",
                s.conditions(), "matched", s.matched(), "why", s.why())).toList());
        m.put("stages", e.stages().stream().map(s -> object("key", s.key(), "where", s.where(), "at", at(s.at()),
                "effect", s.effect(), "answers", s.answers(), "location", s.location(), "reached", s.reached()))
                .toList());
        Explanation.ActionStep a = e.action();
        m.put("action", object("kind", a.kind(), "summary", a.summary(), "details", a.details(), "at", at(a.at()),
                "status", a.status(), "pool", a.pool().map(ExplanationJson::pool), "reached", a.reached()));
        e.certificate().ifPresent(c -> m.put("certificate", object("name", c.name(), "source", c.source(), "issuer",
                c.issuer(), "not_after", c.notAfter().map(Object::toString), "error", c.error(), "note", c.note())));
        m.put("plain_http", e.plainHttp());
        m.put("outcome", object("status", e.outcome().status(), "by", e.outcome().by(), "refused",
                e.outcome().refused(), "summary", e.outcome().summary()));
        return m;
    }

    private static Map<String, Object> pool(PoolPreview p) {
        return object("name", p.pool(), "policy", p.policy(), "how", p.how(), "pick", p.pick(), "status", p.status(),
                "targets", p.targets().stream().map(t -> object("address", t.address(), "weight", t.weight(),
                        "effective_weight", t.effective(), "health", t.health(), "in_flight", t.inFlight(),
                        "usable", t.usable(), "why", t.why(), "share", t.share())).toList());
    }

    private static Optional<Map<String, Object>> at(Optional<Location> at) {
        return at.map(l -> object("file", l.file().toString(), "line", l.line(), "text", l.text()));
    }

    /** A map of key/value pairs, leaving out empty optionals and empty strings; optionals are unwrapped. */
    private static Map<String, Object> object(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            Object v = pairs[i + 1];
            if (v instanceof Optional<?> o) {
                v = o.orElse(null);
            }
            if (v == null || v instanceof String s && s.isEmpty() || v instanceof List<?> l && l.isEmpty()) {
                continue;
            }
            m.put((String) pairs[i], v);
        }
        return m;
    }
}
