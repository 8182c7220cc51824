package dev.gatehouse.proxy;

import dev.gatehouse.http.Exchange;
import dev.gatehouse.upstream.RequestKey;

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
        return RequestKey.cookie(exchange.request().headers(), name);
    }
}
