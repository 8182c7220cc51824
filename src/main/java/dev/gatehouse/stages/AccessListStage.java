package dev.gatehouse.stages;

import dev.gatehouse.config.AccessList;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Optional;

/**
 * {@code allow:} and {@code deny:}: 403 for a client (its real address, see {@code http.ClientAddresses}) in a
 * {@code deny} range, or outside every {@code allow} range. An {@code error_pages} entry for 403 replaces the text.
 */
final class AccessListStage implements Stage {
    private final AccessList ranges;
    private final boolean allow;

    private AccessListStage(AccessList ranges, boolean allow) {
        this.ranges = ranges;
        this.allow = allow;
    }

    static Optional<Stage> allow(AccessList ranges, boolean secure, StageServices services) {
        return Optional.of(new AccessListStage(ranges, true));
    }

    static Optional<Stage> deny(AccessList ranges, boolean secure, StageServices services) {
        return Optional.of(new AccessListStage(ranges, false));
    }

    @Override
    public Foresight foresee(Preview request) {
        String client = request.client().getHostAddress();
        boolean in = ranges.contains(request.client());
        if (in == allow) {
            return Foresight.passes(allow ? "lets the client " + client + " in: it is in " + ranges.ranges()
                    : "the client " + client + " is in none of the denied " + ranges.ranges());
        }
        return Foresight.answers(403, allow ? "refuses the client " + client + ": it is in none of "
                + ranges.ranges() : "refuses the client " + client + ": it is in the denied " + ranges.ranges());
    }

    @Override
    public RequestFlow begin(Exchange exchange, Handler next) {
        if (ranges.contains(exchange.client()) == allow) {
            return next.begin(exchange);
        }
        return Refusals.refuse(exchange, Exchange.textResponse(HttpResponseStatus.FORBIDDEN,
                "403 Forbidden: not from this address"), allow ? "not-allowed" : "denied");
    }
}
