package dev.gatehouse.metrics;

import dev.gatehouse.config.Route;
import dev.gatehouse.config.Site;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request meters of one config: a {@link RouteMeters} per route of every site, one per site for requests no
 * route matched, and one for hosts no site serves ({@code site="_unknown"}). Built when a config is compiled, read
 * per request without allocation. Labels come from the config only, never from a request, so the number of series
 * is bounded by the config.
 */
public final class RequestMeters {
    /** The site label of requests for a host that no site serves. */
    public static final String UNKNOWN_SITE = "_unknown";
    /** The route label of requests that no route matched (or that were refused before routing). */
    public static final String NO_ROUTE = "none";

    /** Keyed by identity: the router hands back the config's own {@link Route} objects. */
    private final Map<Route, RouteMeters> routes = new IdentityHashMap<>();
    private final Map<String, RouteMeters> unmatched = new HashMap<>();
    private final RouteMeters unknown;

    RequestMeters(MeterRegistry registry, Collection<Site> sites) {
        for (Site site : sites) {
            SiteMeters siteMeters = new SiteMeters(registry, site.host());
            List<Route> siteRoutes = site.routes();
            for (int i = 0; i < siteRoutes.size(); i++) {
                // The route's position in the site: bounded and stable, where a path pattern may repeat.
                routes.put(siteRoutes.get(i), new RouteMeters(siteMeters, Integer.toString(i)));
            }
            unmatched.put(site.host(), new RouteMeters(siteMeters, NO_ROUTE));
        }
        unknown = new RouteMeters(new SiteMeters(registry, UNKNOWN_SITE), NO_ROUTE);
    }

    /** The meters of a route the router matched; a route of another config counts as unknown. */
    public RouteMeters route(Route route) {
        RouteMeters m = routes.get(route);
        return m == null ? unknown : m;
    }

    /** The meters of a request no route took, for the site serving the host ({@code null}: no site does). */
    public RouteMeters unmatched(Site site) {
        RouteMeters m = site == null ? null : unmatched.get(site.host());
        return m == null ? unknown : m;
    }
}
