package dev.gatehouse.explain;

import dev.gatehouse.config.ConfigLocations.Location;
import dev.gatehouse.upstream.PoolPreview;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What Gatehouse would do with one request, step by step, as {@link Explainer} finds it. {@link ExplanationJson} turns
 * it into the admin API's JSON and {@link ExplanationText} into the lines {@code gatehouse explain} prints.
 *
 * @param request     the request as understood
 * @param origin      where the config, health and certificates come from (the running instance, or a file)
 * @param live        whether health, weights and certificates are the running instance's
 * @param listener    whether a listener takes the URL's scheme
 * @param site        the site that serves the host, or why none does
 * @param routes      the routes tried, in order, up to the one that matched
 * @param stages      the stages of the chain that runs, in order
 * @param action      what the route does (or the 404 when nothing matched)
 * @param certificate the certificate an HTTPS client gets for the host
 * @param plainHttp   what plain-HTTP requests for the site get
 * @param outcome     the answer, and whether it is a refusal
 */
public record Explanation(Request request, String origin, boolean live, Listener listener, SiteStep site,
                          List<RouteStep> routes, List<StageStep> stages, ActionStep action,
                          Optional<Certificate> certificate, String plainHttp, Outcome outcome) {
    public Explanation {
        routes = List.copyOf(routes);
        stages = List.copyOf(stages);
    }

    /**
     * @param host   the host routing uses (the Host header's, lower case, without port)
     * @param client the client's real address (the peer's, or X-Forwarded-For's when the peer is a trusted proxy)
     * @param peer   the address the connection comes from; {@code clientGiven} false when it stands for any client
     */
    public record Request(String method, String url, String host, String client, String peer, boolean clientGiven,
                          List<String> headers) {
        public Request {
            headers = List.copyOf(headers);
        }
    }

    /**
     * @param on   whether Gatehouse listens for this scheme at all
     * @param port the port it listens on for it (-1 when off)
     * @param note a remark, such as a URL port that differs from the listener's
     */
    public record Listener(String scheme, boolean on, int port, String note) {
    }

    /**
     * @param name the site's host name as the config writes it; empty when no site serves the host
     * @param how  how it was found (exact name, wildcard, default site) or why none was
     */
    public record SiteStep(Optional<String> name, String how, Optional<Location> at) {
    }

    /**
     * @param conditions the route's conditions as written ({@code path: /api/*}); empty: matches every request
     * @param why        why it did not match; empty for the route that matched
     */
    public record RouteStep(int index, Optional<Location> at, List<String> conditions, boolean matched, String why) {
        public RouteStep {
            conditions = List.copyOf(conditions);
        }
    }

    /**
     * @param key     the stage key ({@code http}, {@code hsts} ...), or {@code listener} for the listener's own stage
     * @param where   {@code route}, {@code site}, {@code default} or {@code listener}: where its setting comes from
     * @param effect  what it does to this request, in words
     * @param answers the status it would answer with itself, when it would
     * @param reached false when an earlier stage answers first
     */
    public record StageStep(String key, String where, Optional<Location> at, String effect, Optional<Integer> answers,
                            Optional<String> location, boolean reached) {
    }

    /**
     * @param kind    {@code upstream}, {@code files}, {@code redirect}, {@code respond} or {@code not_found}
     * @param summary one line saying what it does
     * @param details further lines (the file found, the redirect's target, the fixed body ...)
     * @param status  the status it answers with; 0 when an upstream answers
     * @param pool    the pool's targets and pick, for {@code upstream}
     * @param reached false when a stage answers first
     */
    public record ActionStep(String kind, String summary, List<String> details, Optional<Location> at, int status,
                             Optional<PoolPreview> pool, boolean reached) {
        public ActionStep {
            details = List.copyOf(details);
        }
    }

    /**
     * @param name   the name the certificate is kept under (the site's)
     * @param source {@code acme}, {@code internal}, {@code files}, {@code certbot}, or {@code none} yet
     * @param note   a remark, such as a certificate that does not name the host
     */
    public record Certificate(String name, String source, Optional<String> issuer, Optional<Instant> notAfter,
                              Optional<String> error, String note) {
    }

    /**
     * @param status  the status of the answer; 0 when the upstream answers (whatever it answers)
     * @param by      what answers ({@code upstream api}, {@code stage http}, {@code files} ...)
     * @param refused whether the request is refused: a 4xx or 5xx made by Gatehouse, or no connection at all
     * @param summary the whole answer in one line
     */
    public record Outcome(int status, String by, boolean refused, String summary) {
    }
}
