package dev.gatehouse.stages;

import dev.gatehouse.config.Hsts;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import dev.gatehouse.http.ResponseFilter;
import dev.gatehouse.http.ResponseOutput;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;

import java.util.Optional;

/**
 * The {@code hsts:} key: every final response to an HTTPS request carries Strict-Transport-Security, Gatehouse's own
 * answers (404, 502, redirects) included. Never on plain HTTP (RFC 6797 §7.2). Keeps no state per request, so the
 * stage is its own response filter.
 */
final class HstsStage implements Stage, ResponseFilter {
    private static final AsciiString STRICT_TRANSPORT_SECURITY = AsciiString.cached("strict-transport-security");

    private final AsciiString value;

    private HstsStage(Hsts hsts) {
        this.value = AsciiString.cached(hsts.headerValue());
    }

    static Optional<Stage> create(Hsts hsts, boolean secure, StageServices services) {
        return secure ? Optional.of(new HstsStage(hsts)) : Optional.empty();
    }

    @Override
    public RequestFlow begin(Exchange exchange, Handler next) {
        exchange.filterResponse(this);
        return next.begin(exchange);
    }

    @Override
    public Foresight foresee(Preview request) {
        return Foresight.passes("adds Strict-Transport-Security: " + value + " to the response");
    }

    @Override
    public void head(HttpResponse head, ResponseOutput out) {
        head.headers().set(STRICT_TRANSPORT_SECURITY, value);
        out.write(head);
    }
}
