package dev.gatehouse.metrics;

import io.micrometer.core.instrument.Counter;
import io.netty.handler.codec.http.HttpMethod;

/**
 * The request counters of one route (or of a site's unmatched requests), one per method class and status class.
 * Each counter is made on first use and kept in an array slot, so that recording a request costs two array reads
 * and the meters' own increments, without a registry lookup or an allocation. Used from every event loop: two
 * loops racing to fill a slot get the same counter from the registry, so the race is harmless.
 */
public final class RouteMeters {
    static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OTHER"};
    static final String[] STATUSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private final SiteMeters site;
    private final String route;
    private final Counter[] requests = new Counter[METHODS.length * STATUSES.length];

    RouteMeters(SiteMeters site, String route) {
        this.site = site;
        this.route = route;
    }

    /**
     * Counts one finished request.
     *
     * @param status   the status sent (0 when none was, which counts as 4xx: the client went away or broke the rules)
     * @param nanos    from the request head's arrival to the last response byte
     * @param bytesIn  request body bytes received
     * @param bytesOut response body bytes sent
     */
    public void record(HttpMethod method, int status, long nanos, long bytesIn, long bytesOut) {
        int statusClass = statusClass(status);
        int i = methodClass(method) * STATUSES.length + statusClass;
        Counter c = requests[i];
        if (c == null) {
            c = site.requestCounter(route, METHODS[i / STATUSES.length], STATUSES[statusClass]);
            requests[i] = c;
        }
        c.increment();
        site.record(statusClass, nanos, bytesIn, bytesOut);
    }

    /** Index into {@link #STATUSES}. */
    static int statusClass(int status) {
        if (status >= 100 && status < 600) {
            return status / 100 - 1;
        }
        return 3;
    }

    /** Index into {@link #METHODS}. Netty's decoder hands out its method constants, so identity mostly answers. */
    static int methodClass(HttpMethod method) {
        if (method == HttpMethod.GET) {
            return 0;
        } else if (method == HttpMethod.HEAD) {
            return 1;
        } else if (method == HttpMethod.POST) {
            return 2;
        } else if (method == HttpMethod.PUT) {
            return 3;
        } else if (method == HttpMethod.DELETE) {
            return 4;
        }
        return switch (method.name()) {
            case "GET" -> 0;
            case "HEAD" -> 1;
            case "POST" -> 2;
            case "PUT" -> 3;
            case "DELETE" -> 4;
            default -> 5;
        };
    }
}
