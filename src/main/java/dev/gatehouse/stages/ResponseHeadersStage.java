package dev.gatehouse.stages;

import dev.gatehouse.config.HeaderRules;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import dev.gatehouse.http.ResponseFilter;
import dev.gatehouse.http.ResponseOutput;
import io.netty.handler.codec.http.HttpResponse;

import java.util.Optional;

/**
 * {@code response_headers}: set, add and remove headers of every response, Gatehouse's own answers (errors,
 * redirects, files) included, except for rules written under {@code only: upstream}, which touch upstream responses
 * only. Constant rules for every response keep no state per request: the stage is then its own filter.
 */
final class ResponseHeadersStage implements Stage, ResponseFilter {
    private final HeaderOps always;
    private final HeaderOps upstreamOnly;
    private final boolean perExchange;

    private ResponseHeadersStage(HeaderRules rules) {
        this.always = new HeaderOps(rules.rules().stream().filter(r -> !r.upstreamOnly()).toList());
        this.upstreamOnly = new HeaderOps(rules.rules().stream().filter(HeaderRules.Rule::upstreamOnly).toList());
        this.perExchange = !always.isConstant() || !upstreamOnly.isEmpty();
    }

    static Optional<Stage> create(HeaderRules rules, boolean secure, StageServices services) {
        return rules.rules().isEmpty() ? Optional.empty() : Optional.of(new ResponseHeadersStage(rules));
    }

    @Override
    public RequestFlow begin(Exchange exchange, Handler next) {
        exchange.filterResponse(perExchange ? new Bound(exchange) : this);
        return next.begin(exchange);
    }

    @Override
    public void head(HttpResponse head, ResponseOutput out) {
        always.apply(head.headers(), (CharSequence[]) null);
        out.write(head);
    }

    /** The filter of one exchange: its values, and whether its response came from an upstream. */
    private final class Bound implements ResponseFilter {
        private final Exchange exchange;

        Bound(Exchange exchange) {
            this.exchange = exchange;
        }

        @Override
        public void head(HttpResponse head, ResponseOutput out) {
            always.apply(head.headers(), exchange);
            if (exchange.isUpstreamResponse()) {
                upstreamOnly.apply(head.headers(), exchange);
            }
            out.write(head);
        }
    }
}
