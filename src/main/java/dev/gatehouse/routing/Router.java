package dev.gatehouse.routing;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.Route;
import dev.gatehouse.config.Site;
import io.netty.handler.codec.http.HttpRequest;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the site for a host and the first matching route within it. Built once per config; immutable and safe to
 * share across event loops. {@code T} is what a route resolves to (the server's compiled chains).
 */
public final class Router<T> {

    /** Makes what each route, and each site's "no route matched", resolves to; called once per config. */
    public interface Compiler<T> {
        T route(Site site, Route route);

        T noRoute(Site site);
    }

    /** A routing decision. */
    public record Match<T>(Site site, Route route, T handler) {
    }

    /** How the site for a host was found. */
    public enum SiteBy { EXACT, WILDCARD, DEFAULT_SITE }

    /**
     * One route tried for a request, for {@code gatehouse explain}.
     *
     * @param index    the route's position in its site's list (0 for a site written with one action)
     * @param mismatch the first condition that does not hold, in words; empty for the route that matched
     */
    public record RouteCheck(int index, Route route, Optional<String> mismatch) {
    }

    /**
     * Every step of one routing decision, for {@code gatehouse explain}: the site and how it was found, each route
     * tried up to the one that matched, and what runs.
     *
     * @param site    the site with how it was found; empty when no site serves the host
     * @param checks  the routes tried, in order, up to and including the one that matched
     * @param match   the route that matched
     * @param noRoute what runs when the site is known but no route matched
     */
    public record Trace<T>(Optional<Site> site, Optional<SiteBy> by, List<RouteCheck> checks,
                           Optional<Match<T>> match, Optional<T> noRoute) {
    }

    /** A site with its compiled routes, and what it does when none matches. */
    private record SiteRoutes<T>(Site site, List<CompiledRoute<T>> routes, T noRoute) {
    }

    private final Map<String, SiteRoutes<T>> exact = new HashMap<>();
    private final Map<String, SiteRoutes<T>> wildcard = new HashMap<>();
    private final Optional<SiteRoutes<T>> fallback;

    private Router(GatehouseConfig config, Compiler<T> compiler) {
        for (Site site : config.sites().values()) {
            List<CompiledRoute<T>> routes = site.routes().stream()
                    .map(r -> new CompiledRoute<>(r, compiler.route(site, r)))
                    .toList();
            SiteRoutes<T> compiled = new SiteRoutes<>(site, routes, compiler.noRoute(site));
            String host = site.host().toLowerCase(Locale.ROOT);
            if (site.isWildcard()) {
                wildcard.put(host.substring(2), compiled);
            } else {
                exact.put(host, compiled);
            }
            // An alias is routed like the site; an exact name (site or alias) wins over a wildcard that matches it.
            for (String alias : site.aliases()) {
                if (alias.startsWith("*.")) {
                    wildcard.putIfAbsent(alias.substring(2), compiled);
                } else {
                    exact.putIfAbsent(alias, compiled);
                }
            }
        }
        fallback = config.defaultSite().map(h -> exact.getOrDefault(h.toLowerCase(Locale.ROOT),
                wildcard.get(h.toLowerCase(Locale.ROOT).replaceFirst("^\\*\\.", ""))));
    }

    /** Builds the router, compiling each route once with {@code compiler}. */
    public static <T> Router<T> build(GatehouseConfig config, Compiler<T> compiler) {
        return new Router<>(config, compiler);
    }

    /** The site serving this host: exact name or alias, else a one-label wildcard, else the default site. */
    public Optional<Site> site(String host) {
        return siteFor(host).map(SiteRoutes::site);
    }

    /** What the site serving this host does when none of its routes matches; empty when no site serves it. */
    public Optional<T> noRoute(String host) {
        return siteFor(host).map(SiteRoutes::noRoute);
    }

    /**
     * Routes a request.
     *
     * @param host   request host, lower case, without port
     * @param client the client's address, for source conditions
     * @return empty when no site serves the host (and no default site is set) or none of its routes matches
     */
    public Optional<Match<T>> route(String host, HttpRequest request, InetAddress client) {
        Optional<SiteRoutes<T>> site = siteFor(host);
        if (site.isPresent()) {
            String path = null; // normalized only when a route has a path condition: most sites have none
            for (CompiledRoute<T> route : site.get().routes()) {
                if (path == null && route.hasPathCondition()) {
                    path = RequestPaths.normalize(RequestPaths.rawPath(request.uri()));
                }
                if (route.matches(request, path, client)) {
                    return Optional.of(new Match<>(site.get().site(), route.route(), route.handler()));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Routes a request as {@link #route} does, telling each step: the same lookups and the same route conditions, with
     * the reason each route before the matching one did not match.
     */
    public Trace<T> trace(String host, HttpRequest request, InetAddress client) {
        SiteRoutes<T> named = exactOrWildcard(host);
        Optional<SiteRoutes<T>> site = named != null ? Optional.of(named) : fallback;
        if (site.isEmpty()) {
            return new Trace<>(Optional.empty(), Optional.empty(), List.of(), Optional.empty(), Optional.empty());
        }
        SiteBy by = named == null ? SiteBy.DEFAULT_SITE : exact.get(host) == named ? SiteBy.EXACT : SiteBy.WILDCARD;
        String path = RequestPaths.normalize(RequestPaths.rawPath(request.uri()));
        List<RouteCheck> checks = new ArrayList<>();
        List<CompiledRoute<T>> routes = site.get().routes();
        for (int i = 0; i < routes.size(); i++) {
            CompiledRoute<T> route = routes.get(i);
            Optional<String> mismatch = route.mismatch(request, path, client);
            checks.add(new RouteCheck(i, route.route(), mismatch));
            if (mismatch.isEmpty()) {
                return new Trace<>(Optional.of(site.get().site()), Optional.of(by), checks,
                        Optional.of(new Match<>(site.get().site(), route.route(), route.handler())), Optional.empty());
            }
        }
        return new Trace<>(Optional.of(site.get().site()), Optional.of(by), checks, Optional.empty(),
                Optional.of(site.get().noRoute()));
    }

    private Optional<SiteRoutes<T>> siteFor(String host) {
        SiteRoutes<T> s = exactOrWildcard(host);
        return s == null ? fallback : Optional.of(s);
    }

    /** The site naming this host exactly, else the one-label wildcard covering it; null when neither exists. */
    private SiteRoutes<T> exactOrWildcard(String host) {
        SiteRoutes<T> s = exact.get(host);
        if (s == null) {
            int dot = host.indexOf('.');
            if (dot > 0) {
                s = wildcard.get(host.substring(dot + 1));
            }
        }
        return s;
    }
}
