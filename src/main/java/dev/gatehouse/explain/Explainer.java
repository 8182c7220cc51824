package dev.gatehouse.explain;

import dev.gatehouse.config.Action;
import dev.gatehouse.config.ConfigLocations;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.HttpPolicy;
import dev.gatehouse.config.Route;
import dev.gatehouse.config.Site;
import dev.gatehouse.explain.Explanation.ActionStep;
import dev.gatehouse.explain.Explanation.Listener;
import dev.gatehouse.explain.Explanation.Outcome;
import dev.gatehouse.explain.Explanation.RouteStep;
import dev.gatehouse.explain.Explanation.SiteStep;
import dev.gatehouse.explain.Explanation.StageStep;
import dev.gatehouse.http.Handler;
import dev.gatehouse.routing.Hosts;
import dev.gatehouse.routing.Router;
import dev.gatehouse.stages.Chains;
import dev.gatehouse.stages.Foresight;
import dev.gatehouse.stages.Preview;
import dev.gatehouse.stages.StageCompiler;
import io.netty.handler.codec.http.HttpRequest;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Finds what Gatehouse would do with a request, without sending anything: the host is routed by the compiled config's
 * own {@link Router} (the same lookups and route conditions as a real request), the chain that would run is walked
 * stage by stage ({@link StageCompiler#steps}), each stage says what it would do ({@link
 * dev.gatehouse.stages.Stage#foresee}), and the action is looked at without being run ({@link Actions}).
 */
public final class Explainer {
    private final CompiledConfig compiled;
    private final ConfigLocations where;

    /** @param where the positions of the compiled config's file, for the report */
    public Explainer(CompiledConfig compiled, ConfigLocations where) {
        this.compiled = compiled;
        this.where = where;
    }

    /** An explainer reading the positions from the config's own file. Reads the file: blocking. */
    public static Explainer of(CompiledConfig compiled) {
        return new Explainer(compiled, ConfigLocations.read(compiled.config().source()));
    }

    public Explanation explain(ExplainRequest request) {
        HttpRequest head = request.head();
        String host = Hosts.of(head);
        InetAddress client = compiled.clients().resolve(request.client(), head.headers());
        Router.Trace<Chains> trace = compiled.router().trace(host, head, client);
        Listener listener = listener(request);
        SiteStep site = site(trace, host);
        List<RouteStep> routes = routes(trace);
        Chains chains = trace.match().map(Router.Match::handler).or(trace::noRoute).orElse(compiled.unknownHost());
        Handler chain = chains.of(request.secure());
        Preview preview = new Preview(head, host, request.secure(), client);
        List<StageStep> stages = stages(chain, preview, trace);
        boolean actionReached = stages.stream().allMatch(s -> s.reached() && s.answers().isEmpty());
        ActionStep action = new Actions(compiled, where).describe(trace, request, head, host, client, actionReached);
        Optional<Explanation.Certificate> certificate = Certificates.of(compiled, trace.site(), trace.by(), host,
                request.secure());
        Outcome outcome = outcome(request, listener, trace, stages, action, certificate, host);
        Explanation.Request shown = new Explanation.Request(request.method(), request.url(), host,
                client.getHostAddress(), request.client().getHostAddress(), request.clientGiven(),
                request.headers().stream().map(h -> h.name() + ": " + h.value()).toList());
        return new Explanation(shown, compiled.origin(), compiled.live(), listener, site, routes, stages, action,
                certificate, plainHttp(trace), outcome);
    }

    private Listener listener(ExplainRequest request) {
        String scheme = request.secure() ? "https" : "http";
        int port = request.secure() ? compiled.httpsPort() : compiled.httpPort();
        if (port < 0) {
            return new Listener(scheme, false, -1, "listen." + scheme + " is off: Gatehouse takes no " + scheme
                    + " connections");
        }
        String note = port == request.port() ? "" : "the URL says port " + request.port() + ", Gatehouse listens on "
                + port + " (fine behind a port forward or a load balancer)";
        return new Listener(scheme, true, port, note);
    }

    private SiteStep site(Router.Trace<Chains> trace, String host) {
        if (trace.site().isEmpty()) {
            return new SiteStep(Optional.empty(), "no site is named " + host + " or covers it as a wildcard, and "
                    + "there is no default_site: 404", Optional.empty());
        }
        Site site = trace.site().get();
        String how = switch (trace.by().orElseThrow()) {
            case EXACT -> site.host().equals(host) ? "its exact name" : "its alias " + host;
            case WILDCARD -> "the wildcard " + site.host() + " (one label)";
            case DEFAULT_SITE -> "default_site: no site is named " + host;
        };
        Optional<ConfigLocations.Location> at = trace.by().get() == Router.SiteBy.DEFAULT_SITE
                ? where.topLevel("default_site") : where.site(site.host());
        return new SiteStep(Optional.of(site.host()), how, at);
    }

    private List<RouteStep> routes(Router.Trace<Chains> trace) {
        List<RouteStep> out = new ArrayList<>();
        String host = trace.site().map(Site::host).orElse("");
        boolean single = trace.site().map(s -> s.routes().size() == 1
                && s.routes().get(0).match().equals(dev.gatehouse.config.RouteMatch.ANY)).orElse(false);
        for (Router.RouteCheck check : trace.checks()) {
            List<String> conditions = where.conditions(host, check.index()).stream()
                    .map(ConfigLocations.Location::text).toList();
            Optional<ConfigLocations.Location> at = single ? where.action(host, 0).or(() -> where.site(host))
                    : where.route(host, check.index());
            out.add(new RouteStep(check.index(), at, conditions, check.mismatch().isEmpty(),
                    check.mismatch().orElse("")));
        }
        return out;
    }

    private List<StageStep> stages(Handler chain, Preview preview, Router.Trace<Chains> trace) {
        List<StageStep> out = new ArrayList<>();
        boolean reached = true;
        Optional<Site> site = trace.site();
        Optional<Route> route = trace.match().map(Router.Match::route);
        OptionalInt routeIndex = trace.match().isPresent()
                ? OptionalInt.of(trace.checks().get(trace.checks().size() - 1).index()) : OptionalInt.empty();
        for (StageCompiler.Step step : StageCompiler.steps(chain)) {
            Foresight f = step.stage().foresee(preview);
            String from;
            Optional<ConfigLocations.Location> at = Optional.empty();
            if (step.key().equals(StageCompiler.LISTENER)) {
                from = "listener";
            } else if (route.isPresent() && route.get().stages().containsKey(step.key())) {
                from = "route";
                at = where.stageKey(site.orElseThrow().host(), routeIndex, step.key());
            } else if (site.isPresent() && site.get().stages().containsKey(step.key())) {
                from = "site";
                at = where.stageKey(site.get().host(), OptionalInt.empty(), step.key());
            } else {
                from = "default";
            }
            out.add(new StageStep(step.key(), from, at, f.effect(), f.answer().map(Foresight.Answer::status),
                    f.answer().flatMap(Foresight.Answer::location), reached));
            if (f.answer().isPresent()) {
                reached = false;
            }
        }
        return out;
    }

    private String plainHttp(Router.Trace<Chains> trace) {
        if (trace.site().isEmpty()) {
            return "no site: plain HTTP requests for this host get 404";
        }
        if (compiled.httpPort() < 0) {
            return "listen.http is off: no plain-HTTP listener";
        }
        HttpPolicy policy = trace.match().map(Router.Match::route)
                .map(r -> r.stages().get("http")).filter(HttpPolicy.class::isInstance).map(HttpPolicy.class::cast)
                .orElse(trace.site().get().http());
        if (compiled.httpsPort() < 0) {
            return "http: " + policy.configName() + ", but listen.https is off: served over plain HTTP";
        }
        return switch (policy) {
            case REDIRECT -> "http: redirect: plain HTTP gets 308 to the same URL on https";
            case HTTPS_ONLY -> "http: https-only: plain HTTP gets 403";
            case ALLOW -> "http: allow: served over plain HTTP as well";
        };
    }

    private static Outcome outcome(ExplainRequest request, Listener listener, Router.Trace<Chains> trace,
                                   List<StageStep> stages, ActionStep action,
                                   Optional<Explanation.Certificate> certificate, String host) {
        if (!listener.on()) {
            return new Outcome(0, "listener", true, "refused: " + listener.note());
        }
        if (request.secure() && certificate.isEmpty()) {
            return new Outcome(0, "tls", true, "refused: no certificate names " + host
                    + ", so the TLS handshake fails (unrecognized_name); over plain HTTP it would get 404");
        }
        for (StageStep s : stages) {
            if (s.reached() && s.answers().isPresent()) {
                int status = s.answers().get();
                String what = status + s.location().map(l -> " to " + l).orElse("");
                return new Outcome(status, "stage " + s.key(), status >= 400, "answered by the " + s.key()
                        + " stage: " + what);
            }
        }
        if (action.kind().equals(Actions.UPSTREAM) && action.status() == 0) {
            return new Outcome(0, action.summary(), false, "forwarded: the upstream's answer is relayed");
        }
        int status = action.status();
        String by = trace.match().isPresent() ? action.kind() : "not_found";
        return new Outcome(status, by, status >= 400, status + ": " + action.summary());
    }
}
