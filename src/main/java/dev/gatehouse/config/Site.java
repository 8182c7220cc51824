package dev.gatehouse.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One site, keyed by host name. A site written with a single action ({@code upstream:}, {@code files:} ...)
 * holds one route that matches everything.
 *
 * @param host     exact host name, or a wildcard {@code *.example.com} matching exactly one label
 * @param aliases  further names answered like {@code host} and carried by the same certificate ({@code aliases:})
 * @param tls      where the site's certificate comes from (default {@link SiteTls.Auto})
 * @param keyTypes the certificates' key types ({@code tls: { key_type: }}), one certificate each, in preference
 *                 order; default {@link KeyType#DEFAULT} alone
 * @param routes   routes in file order; the first that matches wins
 * @param stages   the site's stage keys ({@link StageKeys}: {@code http}, {@code hsts}, ...) by key; they apply to
 *                 every route, each route may replace a key with its own
 */
public record Site(String host, List<String> aliases, SiteTls tls, List<KeyType> keyTypes, List<Route> routes,
                   Map<String, StageConfig> stages) {
    public Site {
        aliases = List.copyOf(aliases);
        keyTypes = keyTypes.isEmpty() ? List.of(KeyType.DEFAULT) : List.copyOf(keyTypes);
        routes = List.copyOf(routes);
        stages = Map.copyOf(stages);
    }

    /** A site with no aliases and the default key type. */
    public Site(String host, SiteTls tls, List<Route> routes, Map<String, StageConfig> stages) {
        this(host, List.of(), tls, List.of(), routes, stages);
    }

    public boolean isWildcard() {
        return host.startsWith("*.");
    }

    /** The site's own DNS-01 settings ({@code tls: { dns: }}), when it has them. */
    public Optional<DnsSettings> dns() {
        return tls instanceof SiteTls.Acme acme ? acme.dns() : Optional.empty();
    }

    /** The host, then the aliases: every name the site answers and its certificate carries. */
    public List<String> names() {
        List<String> names = new ArrayList<>(1 + aliases.size());
        names.add(host);
        names.addAll(aliases);
        return List.copyOf(names);
    }

    /** What plain HTTP requests get once HTTPS is served (default {@link HttpPolicy#REDIRECT}). */
    public HttpPolicy http() {
        return stages.get("http") instanceof HttpPolicy p ? p : HttpPolicy.REDIRECT;
    }

    /** Strict-Transport-Security, when asked for. */
    public Optional<Hsts> hsts() {
        return stages.get("hsts") instanceof Hsts h ? Optional.of(h) : Optional.empty();
    }
}
