package dev.gatehouse.explain;

import dev.gatehouse.config.Action;
import dev.gatehouse.config.ConfigLocations;
import dev.gatehouse.config.Site;
import dev.gatehouse.config.Upstream;
import dev.gatehouse.explain.Explanation.ActionStep;
import dev.gatehouse.files.StaticFiles;
import dev.gatehouse.routing.RequestPaths;
import dev.gatehouse.routing.Router;
import dev.gatehouse.stages.Chains;
import dev.gatehouse.upstream.PoolPreview;
import dev.gatehouse.upstream.RequestKey;
import dev.gatehouse.upstream.UpstreamPool;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a route's action would do with a request, looked at without running it. */
final class Actions {
    static final String UPSTREAM = "upstream";

    private final CompiledConfig compiled;
    private final ConfigLocations where;

    Actions(CompiledConfig compiled, ConfigLocations where) {
        this.compiled = compiled;
        this.where = where;
    }

    ActionStep describe(Router.Trace<Chains> trace, ExplainRequest request, HttpRequest head, String host,
                        InetAddress client, boolean reached) {
        if (trace.match().isEmpty()) {
            String why = trace.site().isPresent() ? "no route of " + trace.site().get().host() + " matches"
                    : "no site serves " + host;
            return new ActionStep("not_found", why, List.of(), Optional.empty(), 404, Optional.empty(), reached);
        }
        Site site = trace.match().get().site();
        int index = trace.checks().get(trace.checks().size() - 1).index();
        Optional<ConfigLocations.Location> at = where.action(site.host(), index);
        Action action = trace.match().get().route().action();
        if (action instanceof Action.Proxy proxy) {
            return proxy(proxy, head, client, at, reached);
        }
        if (action instanceof Action.Files files) {
            return files(files, request, at, reached);
        }
        if (action instanceof Action.Redirect redirect) {
            String location = TemplatePreview.fill(redirect.template(), request.secure(), host, site.host(),
                    client.getHostAddress(), head);
            return new ActionStep("redirect", "redirect " + redirect.status() + " to " + location,
                    List.of("target as written: " + redirect.target()), at, redirect.status(), Optional.empty(),
                    reached);
        }
        Action.Respond respond = (Action.Respond) action;
        List<String> details = new ArrayList<>();
        details.add("body: " + quote(respond.body()));
        for (Map.Entry<String, String> h : respond.headers().entrySet()) {
            details.add("header " + h.getKey() + ": " + h.getValue());
        }
        return new ActionStep("respond", "a fixed answer: " + respond.status() + " with "
                + respond.body().getBytes(StandardCharsets.UTF_8).length + " bytes", details, at, respond.status(),
                Optional.empty(), reached);
    }

    private ActionStep proxy(Action.Proxy proxy, HttpRequest head, InetAddress client,
                             Optional<ConfigLocations.Location> at, boolean reached) {
        Optional<UpstreamPool> pool = compiled.pool(proxy.upstream());
        if (pool.isEmpty()) {
            return new ActionStep(UPSTREAM, "upstream " + proxy.upstream() + ", which the running config does not "
                    + "have", List.of(), at, 502, Optional.empty(), reached);
        }
        PoolPreview preview = pool.get().preview(RequestKey.of(head.headers(), client.getHostAddress()));
        List<String> details = new ArrayList<>();
        details.add("pool " + proxy.upstream() + where.upstream(proxy.upstream()).map(l -> " (" + l.at() + ")")
                .orElse(""));
        details.add("policy " + preview.policy() + ": " + preview.how());
        if (preview.status() == 0) {
            details.add(preview.pick().map(t -> "would go to " + t + " now")
                    .orElse("would go to one of the usable targets: decided when the request comes"));
        }
        if (!compiled.live()) {
            details.add("health: not known from a file (targets count as healthy until checked, unless the pool "
                    + "says start: unhealthy-until-checked)");
        }
        Upstream config = pool.get().config();
        if (head.headers().contains(HttpHeaderNames.UPGRADE)) {
            details.add("Upgrade: " + head.headers().get(HttpHeaderNames.UPGRADE) + ": tunnelled once the upstream "
                    + "agrees (101), nothing to configure");
        }
        if (config.protocol() != Upstream.Protocol.HTTP1) {
            details.add("protocol: " + config.protocol().configName());
        }
        String summary = "upstream " + proxy.upstream();
        return new ActionStep(UPSTREAM, summary, details, at, preview.status(), Optional.of(preview), reached);
    }

    private ActionStep files(Action.Files files, ExplainRequest request, Optional<ConfigLocations.Location> at,
                             boolean reached) {
        StaticFiles server = new StaticFiles(files);
        StaticFiles.Resolution r = server.resolve(request.method(), RequestPaths.rawPath(request.target()));
        List<String> details = new ArrayList<>();
        details.add("root " + files.root() + ", index " + files.index());
        if (r.file().isPresent()) {
            details.add("file " + r.file().get() + " (exists)");
        } else if (r.location().isPresent()) {
            details.add("a directory: 301 to " + r.location().get());
        } else {
            details.add("no file: " + r.reason());
        }
        String summary = "files from " + files.root();
        return new ActionStep("files", summary, details, at, r.status(), Optional.empty(), reached);
    }

    private static String quote(String body) {
        String shown = body.length() > 80 ? body.substring(0, 79) + "…" : body;
        return "\"" + shown.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"") + "\"";
    }
}
