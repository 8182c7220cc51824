package dev.gatehouse.upstream;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;

import java.util.Optional;

/** What the hash and sticky policies may read of a request; read only by those policies. */
public interface RequestKey {
    /** A request with no keys (health checks, tests): hash and sticky fall back to round robin. */
    RequestKey NONE = new RequestKey() {
        @Override
        public String clientIp() {
            return "";
        }

        @Override
        public Optional<String> header(String name) {
            return Optional.empty();
        }

        @Override
        public Optional<String> cookie(String name) {
            return Optional.empty();
        }
    };

    /** The client's address as text. */
    String clientIp();

    Optional<String> header(String name);

    Optional<String> cookie(String name);

    /** The keys of a request head and a client address (the proxy reads them off its exchange lazily instead). */
    static RequestKey of(HttpHeaders headers, String clientIp) {
        return new RequestKey() {
            @Override
            public String clientIp() {
                return clientIp;
            }

            @Override
            public Optional<String> header(String name) {
                return Optional.ofNullable(headers.get(name));
            }

            @Override
            public Optional<String> cookie(String name) {
                return RequestKey.cookie(headers, name);
            }
        };
    }

    /** The value of the cookie {@code name} in the request's Cookie headers. */
    static Optional<String> cookie(HttpHeaders headers, String name) {
        for (String header : headers.getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie c : ServerCookieDecoder.LAX.decodeAll(header)) {
                if (c.name().equals(name)) {
                    return Optional.of(c.value());
                }
            }
        }
        return Optional.empty();
    }
}
