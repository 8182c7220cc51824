package dev.gatehouse.admin;

import dev.gatehouse.metrics.GatehouseMetrics;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * The admin API's endpoints, independent of Netty: an {@link AdminRequest} in, a {@link Reply} out. Checks access
 * ({@link AdminAccess}), then hands the request to the endpoint class of its first path segment. Runs on the admin
 * API's own thread, so endpoints may read files.
 */
final class AdminRouter {
    private static final Logger log = LoggerFactory.getLogger(AdminRouter.class);
    static final String ENDPOINTS = "/, /status, /sites, /config, /reload, /certificates, /certificates/{name}/renew, "
            + "/cluster, /errors, /metrics, /cache/purge, /upstreams, /upstreams/{pool}, /upstreams/{pool}/targets or "
            + "/upstreams/{pool}/targets/{address}";

    private final RunningInstance instance;
    private final AdminAccess access;
    private final Dashboard dashboard = new Dashboard();
    private final UpstreamsEndpoint upstreams;
    private final CertificatesEndpoint certificates;
    private final ConfigEndpoint config;
    private final SitesEndpoint sites;
    private final StatusEndpoint status;
    private final CacheEndpoint cache;

    AdminRouter(RunningInstance instance, AdminAccess access, RecentErrors errors, IntSupplier adminPort, Clock clock) {
        this.instance = instance;
        this.access = access;
        this.upstreams = new UpstreamsEndpoint(instance);
        this.certificates = new CertificatesEndpoint(instance, clock);
        this.config = new ConfigEndpoint(instance);
        this.sites = new SitesEndpoint(instance, certificates);
        this.status = new StatusEndpoint(instance, certificates, errors, adminPort, clock);
        this.cache = new CacheEndpoint(instance);
    }

    Reply handle(AdminRequest request) {
        String path = new QueryStringDecoder(request.uri()).rawPath();
        List<String> seg = segments(path);
        boolean page = seg.isEmpty() || (seg.size() == 1 && seg.get(0).equals("index.html"));
        var refused = access.check(request, page && request.method().equals("GET"));
        if (refused.isPresent()) {
            return Reply.of(refused.get());
        }
        if (!request.body().isEmpty() && !isJson(request.contentType())) {
            // A browser sends text/plain or a form cross-origin without asking first; JSON needs a CORS preflight,
            // which this API never grants.
            return Reply.of(Problem.unsupportedMediaType("the request body must be JSON (Content-Type: "
                    + request.contentType().map(t -> "\"" + t + "\"").orElse("none") + "; expected: application/json)"));
        }
        try {
            return route(request.method(), path, seg, request.body(), page);
        } catch (Problem.Failure f) {
            return Reply.of(f.problem);
        } catch (RuntimeException e) {
            log.error("admin {} {} failed", request.method(), path, e);
            return Reply.of(Problem.internal("the request failed: " + e + " (the log has the details)"));
        }
    }

    private Reply route(String method, String path, List<String> seg, String body, boolean page) {
        if (page) {
            return dashboard.handle(method, path);
        }
        String first = seg.get(0);
        if (first.equals("upstreams")) {
            return upstreams.handle(method, path, seg, body);
        }
        if (first.equals("cache")) {
            return cache.handle(method, path, seg, body);
        }
        if (first.equals("certificates")) {
            return certificates.handle(method, path, seg);
        }
        if (seg.size() == 1) {
            switch (first) {
                case "status" -> {
                    return status.status(method, path);
                }
                case "errors" -> {
                    return status.errors(method, path);
                }
                case "sites" -> {
                    return sites.handle(method, path);
                }
                case "config" -> {
                    return config.config(method, path);
                }
                case "reload" -> {
                    return config.reload(method, path);
                }
                case "cluster" -> {
                    allow(method, path, "GET");
                    return Reply.json(200, instance.cluster().orElseThrow(() -> Problem.notFound("this node is not "
                            + "in a cluster (expected: cluster: { redis: \"redis://127.0.0.1:6379/0\" } in the config)")
                            .failure()));
                }
                case "metrics" -> {
                    allow(method, path, "GET");
                    return new Reply(200, GatehouseMetrics.CONTENT_TYPE,
                            instance.metrics().getBytes(StandardCharsets.UTF_8), Map.of());
                }
                default -> {
                }
            }
        }
        throw noSuchEndpoint(path);
    }

    /** {@code application/json}, parameters such as {@code charset} allowed. */
    private static boolean isJson(Optional<String> contentType) {
        return contentType.map(t -> {
            int semicolon = t.indexOf(';');
            return (semicolon < 0 ? t : t.substring(0, semicolon)).strip().equalsIgnoreCase("application/json");
        }).orElse(false);
    }

    static Problem.Failure noSuchEndpoint(String path) {
        return Problem.notFound("no such endpoint: " + path + " (expected: " + ENDPOINTS + ")").failure();
    }

    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(QueryStringDecoder.decodeComponent(s));
            }
        }
        return out;
    }

    /** Returns {@code method} when it is one of {@code allowed}, else answers 405 with an Allow header. */
    static String allow(String method, String path, String... allowed) {
        for (String a : allowed) {
            if (a.equals(method)) {
                return a;
            }
        }
        throw Problem.methodNotAllowed(method, path, List.of(allowed)).failure();
    }
}
