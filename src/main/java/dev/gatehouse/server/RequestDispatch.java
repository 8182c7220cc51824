package dev.gatehouse.server;

import dev.gatehouse.acme.Http01Tokens;
import dev.gatehouse.config.Hsts;
import dev.gatehouse.config.Site;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.PeerAddress;
import dev.gatehouse.http.RequestFlow;
import dev.gatehouse.http.RequestIds;
import dev.gatehouse.metrics.RouteMeters;
import dev.gatehouse.routing.RequestPaths;
import dev.gatehouse.routing.Router;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The start of every exchange, whatever carries it (an HTTP/1.1 connection or an HTTP/2 stream): the guard's
 * checks, the ACME HTTP-01 answer, routing by host, the site's plain-HTTP policy and HSTS, then the route's handler.
 * One request path for every protocol: what differs per protocol stays in the connection or stream handler.
 */
final class RequestDispatch {

    /** The exchange begun, the flow that receives its body, and the meters that count it when it finishes. */
    record Started(Exchange exchange, RequestFlow flow, RouteMeters meters) {
    }

    private final ServerState state;
    private final boolean secure;

    RequestDispatch(ServerState state, boolean secure) {
        this.state = state;
        this.secure = secure;
    }

    boolean secure() {
        return secure;
    }

    /**
     * Checks, routes and begins one request. The handler may finish the exchange before this returns (a small
     * answer written at once): the owner's {@code finished} is then called from inside.
     *
     * @param stamps receives this exchange's request id and Strict-Transport-Security value (null for none)
     */
    Started start(ChannelHandlerContext ctx, HttpRequest request, Routing routing, boolean keepAlive,
                  Exchange.Owner owner, ResponseStamps stamps) {
        String host = hostOf(request);
        InetSocketAddress remote = PeerAddress.of(ctx.channel());
        InetAddress client = routing.clients().resolve(remote.getAddress(), request.headers());
        Optional<RequestGuard.Refusal> refusal = routing.guard().check(request);
        Optional<Router.Match<Handler>> match = refusal.isPresent() ? Optional.empty()
                : routing.router().route(host, request, client);
        String site = match.map(m -> m.site().host()).orElse("-");
        RouteMeters meters = match.isPresent() ? routing.meters().route(match.get().route())
                : routing.meters().unmatched(routing.router().site(host).orElse(null));
        String requestId = RequestIds.of(request.headers(), remote.getAddress(), routing.config().trustedProxies());
        stamps.requestId(requestId);
        Exchange exchange = new Exchange(ctx, request, remote, client, secure, host, site, System.nanoTime(), requestId,
                keepAlive, owner);
        stamps.hsts(null); // the previous exchange's site may have had HSTS; this one's answer may not be a site's
        RequestFlow flow;
        if (refusal.isPresent()) {
            exchange.closeAfterResponse();
            exchange.cause("bad-request");
            flow = RequestFlow.DISCARD_BODY;
            exchange.respondText(refusal.get().status(), refusal.get().status().code() + " "
                    + refusal.get().status().reasonPhrase() + ": " + refusal.get().reason());
        } else if (!secure && answeredAcmeChallenge(request, exchange)) {
            flow = RequestFlow.DISCARD_BODY;
        } else if (match.isEmpty()) {
            flow = RequestFlow.DISCARD_BODY;
            exchange.respondText(HttpResponseStatus.NOT_FOUND, routing.router().site(host).isPresent()
                    ? "404 Not Found: no route of this site matches the request"
                    : "404 Not Found: no site is configured for host \"" + host + "\"");
        } else if (policyAnswered(match.get().site(), exchange, routing, stamps)) {
            flow = RequestFlow.DISCARD_BODY;
        } else {
            if (HttpUtil.is100ContinueExpected(request) || request.headers().contains(HttpHeaderNames.UPGRADE)) {
                // A client still waiting for 100-continue, or an upgrade that may not happen: after the
                // response nobody knows what the following bytes are, unless the handler takes them over.
                exchange.closeAfterResponse();
            }
            flow = match.get().handler().begin(exchange);
        }
        return new Started(exchange, flow, meters);
    }

    /**
     * ACME HTTP-01 (RFC 8555 §8.3): the CA fetches {@code /.well-known/acme-challenge/TOKEN} over plain HTTP, before
     * any redirect or route could get in the way.
     */
    private boolean answeredAcmeChallenge(HttpRequest request, Exchange exchange) {
        String path = RequestPaths.rawPath(request.uri());
        if (!path.startsWith(Http01Tokens.PATH_PREFIX)) {
            return false;
        }
        Optional<String> answer = Http01Tokens.tokenFromPath(path).flatMap(state.http01()::keyAuthorization);
        if (answer.isEmpty()) {
            return false; // not a token of ours: the site may serve its own .well-known files
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer(answer.get(), StandardCharsets.US_ASCII));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
        exchange.respond(response);
        return true;
    }

    /** Applies the site's plain-HTTP policy and HSTS; true when the policy answered the request itself. */
    private boolean policyAnswered(Site site, Exchange exchange, Routing routing, ResponseStamps stamps) {
        if (secure) {
            stamps.hsts(site.hsts().map(Hsts::headerValue).orElse(null));
            return false;
        }
        Optional<FullHttpResponse> answer = routing.httpPolicy().check(site, exchange);
        if (answer.isEmpty()) {
            return false;
        }
        if (!requestHasNoBody(exchange.request())) {
            exchange.closeAfterResponse();
        }
        exchange.respond(answer.get());
        return true;
    }

    private static boolean requestHasNoBody(HttpRequest request) {
        return !HttpUtil.isTransferEncodingChunked(request) && HttpUtil.getContentLength(request, 0L) == 0;
    }

    /** Host from the absolute-form target (RFC 9112 §3.2.2), else the Host header; lower case, port dropped. */
    static String hostOf(HttpRequest request) {
        String uri = request.uri();
        String authority;
        if (!uri.startsWith("/") && uri.contains("://")) {
            int start = uri.indexOf("://") + 3;
            int end = start;
            while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
                end++;
            }
            authority = uri.substring(start, end);
        } else {
            authority = request.headers().get(HttpHeaderNames.HOST, "");
        }
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        }
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            return (close > 0 ? authority.substring(1, close) : authority).toLowerCase(Locale.ROOT);
        }
        int colon = authority.indexOf(':');
        String host = colon >= 0 ? authority.substring(0, colon) : authority;
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host.toLowerCase(Locale.ROOT);
    }
}
