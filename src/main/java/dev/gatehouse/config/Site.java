package dev.gatehouse.config;

import java.util.List;
import java.util.Optional;

/**
 * One site, keyed by host name. A site written with a single action ({@code upstream:}, {@code files:} ...)
 * holds one route that matches everything.
 *
 * @param host   exact host name, or a wildcard {@code *.example.com} matching exactly one label
 * @param http   what plain HTTP requests get once HTTPS is served (default {@link HttpPolicy#REDIRECT})
 * @param hsts   Strict-Transport-Security, when asked for
 * @param tls    where the site's certificate comes from (default {@link SiteTls.Auto})
 * @param routes routes in file order; the first that matches wins
 */
public record Site(String host, HttpPolicy http, Optional<Hsts> hsts, SiteTls tls, List<Route> routes) {
    public Site {
        routes = List.copyOf(routes);
    }

    public boolean isWildcard() {
        return host.startsWith("*.");
    }

    /** The site's own DNS-01 settings ({@code tls: { dns: }}), when it has them. */
    public Optional<DnsSettings> dns() {
        return tls instanceof SiteTls.Acme acme ? acme.dns() : Optional.empty();
    }
}
