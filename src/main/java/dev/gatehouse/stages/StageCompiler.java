package dev.gatehouse.stages;

import dev.gatehouse.cache.CacheStage;
import dev.gatehouse.config.CacheRule;
import dev.gatehouse.config.AccessList;
import dev.gatehouse.config.BasicAuth;
import dev.gatehouse.config.BufferRequests;
import dev.gatehouse.config.ConnLimit;
import dev.gatehouse.config.ForwardAuth;
import dev.gatehouse.config.HeaderRules;
import dev.gatehouse.config.Hsts;
import dev.gatehouse.config.RateLimits;
import dev.gatehouse.config.HttpPolicy;
import dev.gatehouse.config.Route;
import dev.gatehouse.config.Site;
import dev.gatehouse.config.StageConfig;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BinaryOperator;

/**
 * Compiles the chain of each route when a config loads: the listener's own stages, then one stage per stage key that
 * applies (the route's setting for a key, else its site's, else the key's default), in the fixed order of
 * {@link #KINDS}, then the action. A route where nothing applies runs its action's handler directly: no wrapper,
 * no allocation per request. One compiler per config: the routes that take a key from their site share that key's
 * stage object (a site's rate limit is one limit for all its routes), while a key written again at a route gets a
 * stage of its own.
 */
public final class StageCompiler {

    /** Builds the stage for one key's settings on one kind of listener; empty when it has nothing to do there. */
    @FunctionalInterface
    public interface Factory<C extends StageConfig> {
        Optional<Stage> create(C config, boolean secure, StageServices services);
    }

    /**
     * A stage key: its config name and settings type, its default (null for none), how a route's setting combines
     * with its site's (null: it replaces it), and its factory.
     */
    private record Kind<C extends StageConfig>(String key, Class<C> type, C defaultConfig, BinaryOperator<C> merge,
                                               Factory<C> factory) {
        Kind(String key, Class<C> type, C defaultConfig, Factory<C> factory) {
            this(key, type, defaultConfig, null, factory);
        }

        Optional<Stage> create(StageConfig config, boolean secure, StageServices services) {
            return factory.create(type.cast(config), secure, services);
        }

        /** The setting a route runs with: its own, its site's, both merged, or the default; null for none. */
        StageConfig effective(Map<String, StageConfig> site, Map<String, StageConfig> route) {
            StageConfig fromSite = site.getOrDefault(key, defaultConfig);
            StageConfig fromRoute = route.get(key);
            if (fromRoute == null) {
                return fromSite;
            }
            if (fromSite == null || merge == null) {
                return fromRoute;
            }
            return merge.apply(type.cast(fromSite), type.cast(fromRoute));
        }
    }

    /**
     * Every stage key in the order its stages run, the request's way (responses pass them the other way). A new
     * stage adds its line here and its key in {@code config.StageKeys}.
     */
    private static final List<Kind<?>> KINDS = List.of(
            // First: their response filters see every answer, those of the stages after them included (403s,
            // redirects, 404s), and as the last filters they see the final response.
            new Kind<>("response_headers", HeaderRules.class, null, (site, route) -> route.under(site),
                    ResponseHeadersStage::create),
            new Kind<>("http", HttpPolicy.class, HttpPolicy.REDIRECT, HttpPolicyStage::create),
            new Kind<>("hsts", Hsts.class, null, HstsStage::create),
            // Access control, cheapest and most final first: an address refused costs nothing, a limit is counted
            // before any password is checked (so limits also slow down guessing), auth last.
            new Kind<>("deny", AccessList.class, null, AccessListStage::deny),
            new Kind<>("allow", AccessList.class, null, AccessListStage::allow),
            new Kind<>("conn_limit", ConnLimit.class, null, ConnLimitStage::create),
            new Kind<>("rate_limit", RateLimits.class, null, RateLimitStage::create),
            new Kind<>("basic_auth", BasicAuth.class, null, BasicAuthStage::create),
            new Kind<>("forward_auth", ForwardAuth.class, null, ForwardAuthStage::create),
            new Kind<>("request_headers", HeaderRules.class, null, (site, route) -> route.under(site),
                    RequestHeadersStage::create),
            // Before buffer_requests: a hit needs no request body, and what other stages refuse never reaches it.
            new Kind<>("cache", CacheRule.class, null,
                    (rule, secure, services) -> CacheStage.of(rule, services.cache()).map(c -> c::begin)),
            // Last, next to the action: a request other stages refuse is refused before its body is read.
            new Kind<>("buffer_requests", BufferRequests.class, null, BufferRequestsStage::create));

    private final StageServices services;
    /** Stages made so far, by the settings object they were made from: a key inherited from the site is one object. */
    private final Map<StageConfig, Optional<Stage>> plainStages = new IdentityHashMap<>();
    private final Map<StageConfig, Optional<Stage>> secureStages = new IdentityHashMap<>();

    public StageCompiler(StageServices services) {
        this.services = services;
    }

    /** The chains of one route: its site's stage keys with the route's replacing them, then the action. */
    public Chains route(Site site, Route route, Handler action) {
        return new Chains(compile(site.stages(), route.stages(), action, false),
                compile(site.stages(), route.stages(), action, true));
    }

    /** A site's answer when none of its routes matches: its site-wide stages, then {@code notFound}. */
    public Chains noRoute(Site site, Handler notFound) {
        return new Chains(compile(site.stages(), Map.of(), notFound, false),
                compile(site.stages(), Map.of(), notFound, true));
    }

    /** The answer for a host no site serves: the listener's own stages only, then {@code notFound}. */
    public Chains unknownHost(Handler notFound) {
        return new Chains(link(listenerStages(false), notFound), link(listenerStages(true), notFound));
    }

    private Handler compile(Map<String, StageConfig> site, Map<String, StageConfig> route, Handler action,
                            boolean secure) {
        List<Stage> stages = listenerStages(secure);
        for (Kind<?> kind : KINDS) {
            StageConfig config = kind.effective(site, route);
            if (config != null) {
                (secure ? secureStages : plainStages).computeIfAbsent(config, c -> kind.create(c, secure, services))
                        .ifPresent(stages::add);
            }
        }
        return link(stages, action);
    }

    /** Stages every request on a listener meets before its site's: the ACME HTTP-01 answer on plain HTTP. */
    private List<Stage> listenerStages(boolean secure) {
        List<Stage> stages = new ArrayList<>();
        if (!secure) {
            stages.add(new AcmeChallengeStage(services.http01()));
        }
        return stages;
    }

    private static Handler link(List<Stage> stages, Handler action) {
        Handler next = action;
        for (int i = stages.size() - 1; i >= 0; i--) {
            next = new Link(stages.get(i), next);
        }
        return next;
    }

    /** The stages of a compiled chain, in the order they run (none for an action's handler alone). */
    static List<Stage> stagesOf(Handler chain) {
        List<Stage> stages = new ArrayList<>();
        Handler h = chain;
        while (h instanceof Link link) {
            stages.add(link.stage());
            h = link.next();
        }
        return stages;
    }

    /** One stage and the rest of the chain after it; built once, so passing on allocates nothing. */
    private record Link(Stage stage, Handler next) implements Handler {
        @Override
        public RequestFlow begin(Exchange exchange) {
            return stage.begin(exchange, next);
        }
    }
}
