package dev.gatehouse.proxy;

import dev.gatehouse.http.Exchange;
import dev.gatehouse.upstream.RequestKey;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;

import java.util.Optional;

/** The keys of a client's request for the hash and sticky policies; read lazily, only by those policies. */
final class ProxyRequestKey implements RequestKey {
    private final Exchange exchange;

    ProxyRequestKey(Exchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public String clientIp() {
        return exchange.clientIp();
    }

    @Override
    public Optional<String> header(String name) {
        return Optional.ofNullable(exchange.request().headers().get(name));
    }

    @Override
    public Optional<String> cookie(String name) {
        for (String header : exchange.request().headers().getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie c : ServerCookieDecoder.LAX.decodeAll(header)) {
                if (c.name().equals(name)) {
                    return Optional.of(c.value());
                }
            }
        }
        return Optional.empty();
    }
}
