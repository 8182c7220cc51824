package dev.gatehouse.stages;

import dev.gatehouse.config.RateLimits;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import dev.gatehouse.limits.BucketKey;
import dev.gatehouse.limits.Gcra;
import dev.gatehouse.limits.RateLimit;
import dev.gatehouse.limits.StackedLimits;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code rate_limit:}: nginx {@code limit_req} (GCRA) per client, header value or site, one or several stacked.
 * Refused requests get 429 with {@code Retry-After} (whole seconds, rounded up) and the RateLimit-Policy and RateLimit
 * header fields (draft-ietf-httpapi-ratelimit-headers); with {@code delay}, the last of a burst wait their turn on
 * the event loop's timer, not in a thread.
 */
final class RateLimitStage implements Stage {
    static final AsciiString RATELIMIT_POLICY = AsciiString.cached("ratelimit-policy");
    static final AsciiString RATELIMIT = AsciiString.cached("ratelimit");

    private final List<RateLimit> limits;
    private final List<RateLimits.Key> keys;
    private final String policies;

    private RateLimitStage(List<RateLimit> limits, List<RateLimits.Key> keys) {
        this.limits = limits;
        this.keys = keys;
        List<String> fields = new ArrayList<>();
        for (RateLimit l : limits) {
            fields.add(l.policyField());
        }
        this.policies = String.join(", ", fields);
    }

    static Optional<Stage> create(RateLimits config, boolean secure, StageServices services) {
        List<RateLimit> limits = new ArrayList<>();
        List<RateLimits.Key> keys = new ArrayList<>();
        for (RateLimits.Limit l : config.limits()) {
            Gcra gcra = Gcra.of(l.count(), l.period(), l.burst());
            String name = l.zone().orElse(l.key() instanceof RateLimits.Header h ? "header-" + h.name()
                    : l.key().toString());
            limits.add(new RateLimit(name, l.count(), l.period(), l.burst(), l.delay(),
                    services.access().counters().buckets(l.bucketsName(), gcra)));
            keys.add(l.key());
        }
        return Optional.of(new RateLimitStage(List.copyOf(limits), List.copyOf(keys)));
    }

    @Override
    public Foresight foresee(Preview request) {
        return Foresight.passes("limits the rate (RateLimit-Policy: " + policies + "); beyond it: 429 with "
                + "Retry-After (explain takes no token)");
    }

    @Override
    public RequestFlow begin(Exchange exchange, Handler next) {
        BucketKey[] bucketKeys = new BucketKey[keys.size()];
        for (int i = 0; i < bucketKeys.length; i++) {
            bucketKeys[i] = keyOf(keys.get(i), exchange);
        }
        Verdicts verdicts = new Verdicts(exchange, next);
        StackedLimits.check(limits, bucketKeys, verdicts);
        return verdicts.flow();
    }

    private static BucketKey keyOf(RateLimits.Key key, Exchange exchange) {
        if (key instanceof RateLimits.ClientIp) {
            return BucketKey.of(exchange.client());
        }
        if (key instanceof RateLimits.Header h) {
            String value = exchange.request().headers().get(h.name());
            return value == null || value.isEmpty() ? null : BucketKey.of(value);
        }
        return BucketKey.SHARED;
    }

    /**
     * Takes the verdict: at once (memory buckets answer before {@code check} returns) or later (a shared store), in
     * which case the request waits in a {@link Deferred}.
     */
    private final class Verdicts implements StackedLimits.Callback {
        private final Exchange exchange;
        private final Handler next;
        private RequestFlow flow;
        private Deferred deferred;

        Verdicts(Exchange exchange, Handler next) {
            this.exchange = exchange;
            this.next = next;
        }

        @Override
        public void verdict(StackedLimits.Verdict verdict) {
            if (flow == null && deferred == null && exchange.ctx().executor().inEventLoop()) {
                flow = decide(verdict, null);
            } else {
                decide(verdict, deferred());
            }
        }

        private Deferred deferred() {
            if (deferred == null) {
                deferred = new Deferred(exchange);
            }
            return deferred;
        }

        RequestFlow flow() {
            return flow != null ? flow : deferred();
        }

        /** Applies the verdict; with a {@code deferred} already handed out, through it. */
        private RequestFlow decide(StackedLimits.Verdict verdict, Deferred later) {
            if (verdict instanceof StackedLimits.Refused refused) {
                FullHttpResponse answer = tooMany(refused);
                if (later != null) {
                    exchange.cause("rate-limited");
                    later.respond(answer);
                    return later;
                }
                return Refusals.refuse(exchange, answer, "rate-limited");
            }
            long delay = ((StackedLimits.Admitted) verdict).delayNanos();
            if (delay == 0) {
                if (later != null) {
                    later.proceed(next);
                    return later;
                }
                return next.begin(exchange);
            }
            Deferred wait = later != null ? later : deferred();
            exchange.ctx().executor().schedule(() -> wait.proceed(next), delay, TimeUnit.NANOSECONDS);
            return wait;
        }

        private FullHttpResponse tooMany(StackedLimits.Refused refused) {
            long seconds = refused.retryAfterSeconds();
            FullHttpResponse answer = Exchange.textResponse(HttpResponseStatus.TOO_MANY_REQUESTS,
                    "429 Too Many Requests: retry in " + seconds + " s");
            answer.headers().set(HttpHeaderNames.RETRY_AFTER, seconds)
                    .set(RATELIMIT_POLICY, policies)
                    .set(RATELIMIT, refused.limit().refusedField(refused.backlog()));
            return answer;
        }
    }
}
