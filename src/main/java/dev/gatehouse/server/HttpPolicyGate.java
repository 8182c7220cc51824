package dev.gatehouse.server;

import dev.gatehouse.config.HttpPolicy;
import dev.gatehouse.config.Site;
import dev.gatehouse.http.Exchange;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.NetUtil;

import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * What a site's {@code http:} policy does with a plain-HTTP request once the site is also served over HTTPS:
 * {@code redirect} answers 308 to the same URL on https, {@code https-only} answers 403, {@code allow} serves it.
 * Without an HTTPS listener every site is served over plain HTTP.
 */
final class HttpPolicyGate {
    private final IntSupplier httpsPort;

    /** @param httpsPort the bound HTTPS port, or -1 while there is no HTTPS listener */
    HttpPolicyGate(IntSupplier httpsPort) {
        this.httpsPort = httpsPort;
    }

    /** The answer that replaces serving the request, or empty to serve it. */
    Optional<FullHttpResponse> check(Site site, Exchange exchange) {
        if (exchange.secure() || httpsPort.getAsInt() < 0 || site.http() == HttpPolicy.ALLOW) {
            return Optional.empty();
        }
        if (site.http() == HttpPolicy.HTTPS_ONLY) {
            return Optional.of(Exchange.textResponse(HttpResponseStatus.FORBIDDEN,
                    "403 Forbidden: this site is served over HTTPS only"));
        }
        String location = "https://" + authority(exchange.host()) + originForm(exchange.request().uri());
        FullHttpResponse redirect = Exchange.textResponse(HttpResponseStatus.PERMANENT_REDIRECT,
                "308 Permanent Redirect: " + location);
        redirect.headers().set(HttpHeaderNames.LOCATION, location);
        return Optional.of(redirect);
    }

    private String authority(String host) {
        String h = NetUtil.isValidIpV6Address(host) ? "[" + host + "]" : host;
        int port = httpsPort.getAsInt();
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
