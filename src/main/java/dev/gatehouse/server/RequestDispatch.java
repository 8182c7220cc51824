package dev.gatehouse.server;

import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.PeerAddress;
import dev.gatehouse.http.RequestFlow;
import dev.gatehouse.http.RequestIds;
import dev.gatehouse.metrics.RouteMeters;
import dev.gatehouse.routing.Hosts;
import dev.gatehouse.routing.Router;
import dev.gatehouse.stages.Chains;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The start of every exchange, whatever carries it (an HTTP/1.1 connection or an HTTP/2 stream): the guard's
 * checks, routing by host and path, then the chain compiled for what matched (the route's, the site's "no route", or
 * the unknown host's): its stages (the ACME HTTP-01 answer, the plain-HTTP policy, HSTS, ...) and its action. Every
 * answer but a malformed request's takes that one road, for every protocol: what differs per protocol stays in the
 * connection or stream handler.
 */
final class RequestDispatch {

    /** The exchange begun, the flow that receives its body, and the meters that count it when it finishes. */
    record Started(Exchange exchange, RequestFlow flow, RouteMeters meters) {
    }

    private final boolean secure;

    RequestDispatch(boolean secure) {
        this.secure = secure;
    }

    boolean secure() {
        return secure;
    }

    /**
     * Checks, routes and begins one request. The chain may finish the exchange before this returns (a small
     * answer written at once): the owner's {@code finished} is then called from inside.
     *
     * @param stamps receives this exchange's request id
     */
    Started start(ChannelHandlerContext ctx, HttpRequest request, Routing routing, boolean keepAlive,
                  Exchange.Owner owner, ResponseStamps stamps) {
        String host = hostOf(request);
        InetSocketAddress remote = PeerAddress.of(ctx.channel());
        InetAddress client = routing.clients().resolve(remote.getAddress(), request.headers());
        Optional<RequestGuard.Refusal> refusal = routing.guard().check(request);
        Optional<Router.Match<Chains>> match = refusal.isPresent() ? Optional.empty()
                : routing.router().route(host, request, client);
        String site = match.map(m -> m.site().host()).orElse("-");
        RouteMeters meters = match.isPresent() ? routing.meters().route(match.get().route())
                : routing.meters().unmatched(routing.router().site(host).orElse(null));
        String requestId = RequestIds.of(request.headers(), remote.getAddress(), routing.config().trustedProxies());
        stamps.requestId(requestId);
        Exchange exchange = new Exchange(ctx, request, remote, client, secure, host, site, System.nanoTime(), requestId,
                keepAlive, owner);
        if (refusal.isPresent()) {
            exchange.closeAfterResponse();
            exchange.cause("bad-request");
            exchange.respondText(refusal.get().status(), refusal.get().status().code() + " "
                    + refusal.get().status().reasonPhrase() + ": " + refusal.get().reason());
            return new Started(exchange, RequestFlow.DISCARD_BODY, meters);
        }
        if (HttpUtil.is100ContinueExpected(request) || request.headers().contains(HttpHeaderNames.UPGRADE)) {
            // A client still waiting for 100-continue, or an upgrade that may not happen: after the response
            // nobody knows what the following bytes are, unless the handler takes them over.
            exchange.closeAfterResponse();
        }
        Chains chains = match.isPresent() ? match.get().handler()
                : routing.router().noRoute(host).orElse(routing.unknownHost());
        return new Started(exchange, chains.of(secure).begin(exchange), meters);
    }

    /** The host a request is routed by ({@link Hosts#of}). */
    static String hostOf(HttpRequest request) {
        return Hosts.of(request);
    }
}
