package dev.gatehouse.admin;

import dev.gatehouse.config.Action;
import dev.gatehouse.config.Hsts;
import dev.gatehouse.config.Route;
import dev.gatehouse.config.RouteMatch;
import dev.gatehouse.config.Site;
import dev.gatehouse.config.SiteTls;
import dev.gatehouse.config.ValueMatch;
import dev.gatehouse.certificates.CertificateStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@code GET /sites}: each site with its routes in one line each, TLS mode, HTTP policy, HSTS and certificate. */
final class SitesEndpoint {
    private final RunningInstance instance;
    private final CertificatesEndpoint certificates;

    SitesEndpoint(RunningInstance instance, CertificatesEndpoint certificates) {
        this.instance = instance;
        this.certificates = certificates;
    }

    Reply handle(String method, String path) {
        AdminRouter.allow(method, path, "GET");
        Map<String, CertificateStatus> byName = new LinkedHashMap<>();
        certificates.statuses().forEach(s -> byName.put(s.name(), s));
        List<Object> sites = new ArrayList<>();
        for (Site site : instance.config().sites().values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("host", site.host());
            m.put("tls", tls(site.tls()));
            m.put("aliases", site.aliases());
            m.put("key_types", site.keyTypes().stream().map(k -> k.configName()).toList());
            m.put("http", site.http().configName());
            m.put("hsts", site.hsts().map(SitesEndpoint::hsts));
            m.put("routes", site.routes().stream().map(SitesEndpoint::route).toList());
            m.put("certificate", Optional.ofNullable(byName.get(site.host().toLowerCase(Locale.ROOT)))
                    .map(certificates::json));
            sites.add(m);
        }
        return Reply.json(200, Map.of("sites", sites));
    }

    private static String tls(SiteTls tls) {
        if (tls instanceof SiteTls.Internal) {
            return "internal";
        }
        if (tls instanceof SiteTls.Acme) {
            return "acme";
        }
        return tls instanceof SiteTls.Files ? "files" : "auto";
    }

    private static Map<String, Object> hsts(Hsts h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_age", ConfigJson.duration(h.maxAge()));
        m.put("include_subdomains", h.includeSubdomains());
        m.put("preload", h.preload());
        return m;
    }

    private static Map<String, Object> route(Route r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("match", match(r.match()));
        m.put("action", action(r.action()));
        if (r.action() instanceof Action.Proxy p) {
            m.put("upstream", p.upstream());
        }
        return m;
    }

    /** E.g. {@code path /ws/* methods GET header X-Canary=1}; {@code *} when the route matches everything. */
    static String match(RouteMatch m) {
        List<String> parts = new ArrayList<>();
        m.path().ifPresent(p -> parts.add("path " + p));
        if (!m.methods().isEmpty()) {
            parts.add("methods " + m.methods().stream().sorted().collect(Collectors.joining(",")));
        }
        m.headers().forEach(h -> parts.add("header " + value(h)));
        m.query().forEach(q -> parts.add("query " + value(q)));
        if (!m.sources().isEmpty()) {
            parts.add("source " + m.sources().stream().map(Object::toString).collect(Collectors.joining(",")));
        }
        return parts.isEmpty() ? "*" : String.join(" ", parts);
    }

    private static String value(ValueMatch v) {
        return v.name() + v.value().map(x -> (v.regex() ? "~" : "=") + x).orElse("=*");
    }

    /** E.g. {@code upstream api}, {@code files /srv/public}, {@code redirect 308 https://example.com{uri}}. */
    static String action(Action a) {
        if (a instanceof Action.Proxy p) {
            return "upstream " + p.upstream();
        }
        if (a instanceof Action.Files f) {
            return "files " + f.root();
        }
        if (a instanceof Action.Redirect r) {
            return "redirect " + r.status() + " " + r.target();
        }
        return "respond " + ((Action.Respond) a).status();
    }
}
