package dev.gatehouse.proxy;

import dev.gatehouse.config.Balancing;
import dev.gatehouse.upstream.RequestKey;
import dev.gatehouse.upstream.TargetState;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;

/** Pins a client to its target for {@code policy: sticky}: the cookie names the target that answered. */
final class StickyCookie {
    private StickyCookie() {
    }

    /** Sets the cookie unless the request already carried it for this target. */
    static void set(HttpResponse response, Balancing.Sticky sticky, TargetState target, RequestKey request,
                    boolean secure) {
        if (request.cookie(sticky.cookie()).filter(target.stickyId()::equals).isPresent()) {
            return;
        }
        StringBuilder cookie = new StringBuilder(sticky.cookie()).append('=').append(target.stickyId())
                .append("; Path=/; HttpOnly; SameSite=Lax");
        if (!sticky.ttl().isZero()) {
            cookie.append("; Max-Age=").append(sticky.ttl().toSeconds());
        }
        if (secure) {
            cookie.append("; Secure");
        }
        response.headers().add(HttpHeaderNames.SET_COOKIE, cookie.toString());
    }
}
