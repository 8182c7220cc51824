package dev.gatehouse.stages;

import dev.gatehouse.config.HttpPolicy;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.NetUtil;

import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * The {@code http:} key on plain-HTTP requests once the site is also served over HTTPS: {@code redirect} answers 308
 * to the same URL on https, {@code https-only} answers 403. Without an HTTPS listener every request is served over
 * plain HTTP; {@code allow}, and HTTPS requests, get no stage at all.
 */
final class HttpPolicyStage implements Stage {
    private final HttpPolicy policy;
    private final IntSupplier httpsPort;

    private HttpPolicyStage(HttpPolicy policy, IntSupplier httpsPort) {
        this.policy = policy;
        this.httpsPort = httpsPort;
    }

    static Optional<Stage> create(HttpPolicy policy, boolean secure, StageServices services) {
        if (secure || policy == HttpPolicy.ALLOW) {
            return Optional.empty();
        }
        return Optional.of(new HttpPolicyStage(policy, services.httpsPort()));
    }

    @Override
    public RequestFlow begin(Exchange exchange, Handler next) {
        int port = httpsPort.getAsInt();
        if (port < 0) {
            return next.begin(exchange);
        }
        FullHttpResponse answer;
        if (policy == HttpPolicy.HTTPS_ONLY) {
            answer = Exchange.textResponse(HttpResponseStatus.FORBIDDEN,
                    "403 Forbidden: this site is served over HTTPS only");
        } else {
            String location = location(exchange.host(), port, exchange.request().uri());
            answer = Exchange.textResponse(HttpResponseStatus.PERMANENT_REDIRECT, "308 Permanent Redirect: " + location);
            answer.headers().set(HttpHeaderNames.LOCATION, location);
        }
        if (!hasNoBody(exchange.request())) {
            exchange.closeAfterResponse(); // the body is not wanted; the client may be sending it still
        }
        exchange.respond(answer);
        return RequestFlow.DISCARD_BODY;
    }

    @Override
    public Foresight foresee(Preview request) {
        int port = httpsPort.getAsInt();
        if (port < 0) {
            return Foresight.passes("http: " + policy.configName() + ", but there is no HTTPS listener: served over "
                    + "plain HTTP");
        }
        if (policy == HttpPolicy.HTTPS_ONLY) {
            return Foresight.answers(403, "http: https-only: plain HTTP is refused with 403");
        }
        String location = location(request.host(), port, request.request().uri());
        return Foresight.redirects(308, location, "http: redirect: plain HTTP is redirected to HTTPS");
    }

    private static String location(String host, int port, String uri) {
        return "https://" + authority(host, port) + originForm(uri);
    }

    private static boolean hasNoBody(HttpRequest request) {
        return !HttpUtil.isTransferEncodingChunked(request) && HttpUtil.getContentLength(request, 0L) == 0;
    }

    private static String authority(String host, int port) {
        String h = NetUtil.isValidIpV6Address(host) ? "[" + host + "]" : host;
        return port == 443 ? h : h + ":" + port;
    }

    private static String originForm(String uri) {
        if (uri.startsWith("/")) {
            return uri;
        }
        int scheme = uri.indexOf("://");
        if (scheme > 0) {
            int slash = uri.indexOf('/', scheme + 3);
            return slash < 0 ? "/" : uri.substring(slash);
        }
        return "/";
    }
}
