package dev.gatehouse.stages;

import dev.gatehouse.config.ConnLimit;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import dev.gatehouse.limits.BucketKey;
import dev.gatehouse.limits.ConcurrencyLimiter;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Optional;

/**
 * {@code conn_limit: { per_client: N }}, like nginx's {@code limit_conn}: a request holds one of its client's N slots
 * from its start until its exchange ends (a WebSocket until it closes); every HTTP/2 stream is a request. One more
 * gets 429.
 */
final class ConnLimitStage implements Stage {
    private final ConcurrencyLimiter limiter;

    private ConnLimitStage(ConcurrencyLimiter limiter) {
        this.limiter = limiter;
    }

    static Optional<Stage> create(ConnLimit config, boolean secure, StageServices services) {
        return Optional.of(new ConnLimitStage(services.access().limiter(config.id(), config.perClient())));
    }

    @Override
    public Foresight foresee(Preview request) {
        return Foresight.passes("lets at most " + limiter.max() + " requests from one client address be in flight at "
                + "once; more get 429 (explain takes no slot)");
    }

    @Override
    public RequestFlow begin(Exchange exchange, Handler next) {
        BucketKey key = BucketKey.of(exchange.client());
        if (!limiter.tryAcquire(key)) {
            return Refusals.refuse(exchange, Exchange.textResponse(HttpResponseStatus.TOO_MANY_REQUESTS,
                    "429 Too Many Requests: more than " + limiter.max() + " requests at once from this address"),
                    "conn-limited");
        }
        exchange.whenFinished(() -> limiter.release(key));
        return next.begin(exchange);
    }
}
