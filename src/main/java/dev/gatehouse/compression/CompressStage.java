package dev.gatehouse.compression;

import dev.gatehouse.config.Compress;
import dev.gatehouse.config.Compress.Algorithm;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

import java.util.Optional;

/**
 * The {@code compress} stage: negotiates a coding from the request's Accept-Encoding and puts a
 * {@link CompressFilter} on the response, which sees every answer of the later stages and the action (proxied
 * responses, files, Gatehouse's own). A request that takes no coding gets the shared {@link VaryFilter}: nothing
 * allocated. HEAD is never compressed, nor HTTP/1.0 (no chunked framing; nginx's default too). Built once per rule,
 * shared by every event loop.
 */
public final class CompressStage {
    private final CompressPolicy policy;
    private final VaryFilter vary;

    private CompressStage(CompressPolicy policy) {
        this.policy = policy;
        this.vary = new VaryFilter(policy);
    }

    /**
     * The stage for a {@code compress} setting; none for {@code compress: false}. (The stages package adapts it to
     * its {@code Stage}, as for the cache.)
     */
    public static Optional<CompressStage> of(Compress config) {
        return config.on() ? Optional.of(new CompressStage(new CompressPolicy(config))) : Optional.empty();
    }

    public RequestFlow begin(Exchange exchange, Handler next) {
        HttpRequest request = exchange.request();
        Algorithm coding = exchange.isHead() || request.protocolVersion().equals(HttpVersion.HTTP_1_0) ? null
                : AcceptEncoding.choose(request.headers().get(HttpHeaderNames.ACCEPT_ENCODING), policy.offered());
        exchange.filterResponse(coding == null ? vary : new CompressFilter(policy, coding, exchange.ctx().channel()));
        return next.begin(exchange);
    }
}
