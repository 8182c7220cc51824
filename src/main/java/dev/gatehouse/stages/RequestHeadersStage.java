package dev.gatehouse.stages;

import dev.gatehouse.config.HeaderRules;
import dev.gatehouse.config.Template;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import dev.gatehouse.http.UpstreamHeadEditor;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@code request_headers}: set, add and remove request headers before the rest of the chain and the action see the
 * request. Setting {@code Host} sends that Host upstream. Two kinds of rule wait for the proxy instead: rules about
 * the headers the proxy writes itself (X-Forwarded-*, X-Real-IP, Forwarded, X-Request-Id), applied after it wrote
 * them so that the rule wins, and values naming {@code {upstream_target}}, set anew for each target tried.
 */
final class RequestHeadersStage implements Stage, UpstreamHeadEditor {
    /** Written by the proxy on the upstream head (see proxy.ForwardedHeaders and proxy.UpstreamRequest). */
    static final Set<String> PROXY_WRITES = Set.of("x-forwarded-for", "x-forwarded-proto", "x-forwarded-host",
            "x-real-ip", "forwarded", "x-request-id");

    private final HeaderOps now;
    private final HeaderOps afterProxy;
    private final HeaderOps perTarget;

    private RequestHeadersStage(HeaderRules rules) {
        Predicate<HeaderRules.Rule> perTargetRule = r -> r.value().uses(Template.Field.UPSTREAM_TARGET);
        Predicate<HeaderRules.Rule> afterProxyRule = r -> !perTargetRule.test(r) && PROXY_WRITES.contains(r.name());
        this.perTarget = new HeaderOps(select(rules, perTargetRule));
        this.afterProxy = new HeaderOps(select(rules, afterProxyRule));
        this.now = new HeaderOps(select(rules, perTargetRule.negate().and(afterProxyRule.negate())));
    }

    static Optional<Stage> create(HeaderRules rules, boolean secure, StageServices services) {
        return rules.rules().isEmpty() ? Optional.empty() : Optional.of(new RequestHeadersStage(rules));
    }

    private static List<HeaderRules.Rule> select(HeaderRules rules, Predicate<HeaderRules.Rule> which) {
        return rules.rules().stream().filter(which).toList();
    }

    @Override
    public RequestFlow begin(Exchange exchange, Handler next) {
        HttpHeaders headers = exchange.request().headers();
        if (afterProxy.isConstant() || afterProxy.isEmpty()) {
            now.apply(headers, exchange);
            if (!afterProxy.isEmpty() || !perTarget.isEmpty()) {
                exchange.editUpstreamHead(this);
            }
        } else {
            // Computed now, from the request as the client sent it, like the values of the other rules.
            CharSequence[] later = afterProxy.values(exchange);
            now.apply(headers, exchange);
            exchange.editUpstreamHead(new UpstreamHeadEditor() {
                @Override
                public void prepared(HttpHeaders upstream, Exchange ex) {
                    afterProxy.apply(upstream, later);
                }

                @Override
                public void targetPicked(HttpHeaders upstream, Exchange ex) {
                    perTarget.apply(upstream, ex);
                }
            });
        }
        return next.begin(exchange);
    }

    @Override
    public void prepared(HttpHeaders headers, Exchange exchange) {
        afterProxy.apply(headers, (CharSequence[]) null);
    }

    @Override
    public void targetPicked(HttpHeaders headers, Exchange exchange) {
        perTarget.apply(headers, exchange);
    }
}
