package dev.gatehouse.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * The response cache on a site or route: {@code cache: true}, or a map of the settings below (each optional).
 * Off unless given; a route's {@code cache} replaces its site's ({@code cache: false} turns it off for that route).
 *
 * @param on                   false for {@code cache: false}
 * @param staleWhileRevalidate how long past freshness a stored response may be answered at once while one
 *                             background request refreshes it, for responses that carry no
 *                             {@code stale-while-revalidate} of their own (RFC 5861); default 0s (off)
 * @param staleIfError         how long past freshness a stored response may answer when the origin fails (refused,
 *                             timed out, 5xx), for responses without {@code stale-if-error}; default 0s (off)
 * @param staleIfUnreachable   how long past freshness a stored response may answer when the origin cannot be reached
 *                             at all (refused, reset, closed or timed out before answering, no healthy target): the
 *                             "disconnected" cache of RFC 9111 §4.2.4, which may serve stale; never for responses
 *                             that forbid it (must-revalidate, proxy-revalidate, s-maxage, no-cache); default 1h
 * @param heuristic            freshness for responses that give none (RFC 9111 §4.2.2); default off
 * @param tagHeaders           response fields whose values (space or comma separated) tag a stored response for
 *                             purging; default {@code Surrogate-Key} and {@code Cache-Tag}
 * @param setCookie            what is done with responses that set cookies; default {@link SetCookie#BYPASS}
 * @param requestDirectives    whether a client's {@code Cache-Control} ({@code no-cache}, {@code max-age},
 *                             {@code min-fresh}, {@code max-stale}, {@code only-if-cached}, {@code no-store}) is
 *                             honoured; default true
 * @param coalesceWait         how long concurrent misses for one URL wait for the first one's answer before going to
 *                             the origin on their own; 0s turns coalescing off; default 10s
 * @param maxWaiters           how many requests may wait for one URL; more go to the origin; default 1000
 */
public record CacheRule(boolean on, Duration staleWhileRevalidate, Duration staleIfError, Duration staleIfUnreachable,
                        Heuristic heuristic, List<String> tagHeaders, SetCookie setCookie, boolean requestDirectives,
                        Duration coalesceWait, int maxWaiters) implements StageConfig {

    public static final List<String> DEFAULT_TAG_HEADERS = List.of("surrogate-key", "cache-tag");
    /** The default of {@code stale_if_unreachable}. */
    public static final Duration STALE_IF_UNREACHABLE = Duration.ofHours(1);
    public static final CacheRule DEFAULTS = new CacheRule(true, Duration.ZERO, Duration.ZERO, STALE_IF_UNREACHABLE,
            Heuristic.OFF, DEFAULT_TAG_HEADERS, SetCookie.BYPASS, true, Duration.ofSeconds(10), 1000);
    /** {@code cache: false}. */
    public static final CacheRule OFF = new CacheRule(false, Duration.ZERO, Duration.ZERO, STALE_IF_UNREACHABLE,
            Heuristic.OFF, DEFAULT_TAG_HEADERS, SetCookie.BYPASS, true, Duration.ofSeconds(10), 1000);

    public CacheRule {
        tagHeaders = List.copyOf(tagHeaders);
    }

    static Optional<CacheRule> read(Node node, String path, StageKeys.Reading in) {
        return new CacheReader(in.values(), in.baseDir()).rule(node, path);
    }

    /** Responses with {@code Set-Cookie}: a cookie meant for one client must not reach the others. */
    public enum SetCookie {
        /** Not stored (as nginx, Varnish and most CDNs do by default). */
        BYPASS("bypass"),
        /** Stored without the Set-Cookie field: the client whose request fetched it gets the cookie, others none. */
        STRIP("strip"),
        /** Stored and served with the cookie, as RFC 9111 allows (only for cookies that are the same for all). */
        STORE("store");

        private final String configName;

        SetCookie(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }
    }

    /**
     * Heuristic freshness: off, a fraction of the time since {@code Last-Modified} (RFC 9111 §4.2.2, written like
     * {@code 10%}, at most a day), or a fixed lifetime (written like {@code 3m}). Applies only to status codes that
     * are heuristically cacheable, or to responses marked {@code public}.
     *
     * @param percent  0 when not a fraction
     * @param lifetime zero when not fixed
     */
    public record Heuristic(int percent, Duration lifetime) {
        public static final Heuristic OFF = new Heuristic(0, Duration.ZERO);
        /** The most a fractional heuristic grants (a common choice; RFC 9111 leaves it open). */
        public static final Duration MAX_FRACTIONAL = Duration.ofDays(1);

        public boolean off() {
            return percent == 0 && lifetime.isZero();
        }

        @Override
        public String toString() {
            return off() ? "off" : percent > 0 ? percent + "%" : lifetime.toString();
        }
    }
}
