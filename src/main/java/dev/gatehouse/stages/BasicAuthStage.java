package dev.gatehouse.stages;

import dev.gatehouse.auth.BasicAuthenticator;
import dev.gatehouse.auth.PasswordHash;
import dev.gatehouse.config.BasicAuth;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code basic_auth:}: 401 with {@code WWW-Authenticate: Basic realm="..."} unless the request carries a right user
 * and password. A password seen right recently is known at once; any other is checked on the password thread while
 * the request waits (no body is read meanwhile). The {@code Authorization} header stays here unless
 * {@code forward_authorization: true}; the user name goes to the access log.
 */
final class BasicAuthStage implements Stage {
    private final BasicAuthenticator authenticator;
    private final Optional<String> realm;
    private final boolean forwardAuthorization;

    private BasicAuthStage(BasicAuthenticator authenticator, Optional<String> realm, boolean forwardAuthorization) {
        this.authenticator = authenticator;
        this.realm = realm;
        this.forwardAuthorization = forwardAuthorization;
    }

    static Optional<Stage> create(BasicAuth config, boolean secure, StageServices services) {
        Map<String, PasswordHash> users = new LinkedHashMap<>();
        config.passwordHashes().forEach((user, hash) -> users.put(user, PasswordHash.parse(hash)));
        return Optional.of(new BasicAuthStage(new BasicAuthenticator(users, config.realm().orElse(""),
                services.access().passwordChecks()), config.realm(), config.forwardAuthorization()));
    }

    @Override
    public Foresight foresee(Preview request) {
        Optional<String> user = authenticator.user(request.request().headers().get(HttpHeaderNames.AUTHORIZATION));
        if (user.isEmpty()) {
            return Foresight.answers(401, "asks for a user and password (WWW-Authenticate: Basic): the request has "
                    + "no basic credentials");
        }
        if (!authenticator.knows(user.get())) {
            return Foresight.answers(401, "refuses the credentials: there is no user " + user.get());
        }
        return Foresight.passes("checks the password of " + user.get() + " (explain checks no passwords); a wrong "
                + "one gets 401");
    }

    @Override
    public RequestFlow begin(Exchange exchange, Handler next) {
        String authorization = exchange.request().headers().get(HttpHeaderNames.AUTHORIZATION);
        Deferred[] later = new Deferred[1];
        // Queued to the event loop, which is running this method: by the time it runs, later[0] is set.
        BasicAuthenticator.Outcome now = authenticator.check(authorization, outcome -> exchange.ctx().executor()
                .execute(() -> decide(outcome, exchange, next, later[0])));
        if (now != null) {
            return decide(now, exchange, next, null);
        }
        later[0] = new Deferred(exchange);
        return later[0];
    }

    private RequestFlow decide(BasicAuthenticator.Outcome outcome, Exchange exchange, Handler next, Deferred later) {
        if (outcome instanceof BasicAuthenticator.Allowed allowed) {
            exchange.user(allowed.user());
            if (!forwardAuthorization) {
                exchange.request().headers().remove(HttpHeaderNames.AUTHORIZATION);
            }
            if (later == null) {
                return next.begin(exchange);
            }
            later.proceed(next);
            return later;
        }
        FullHttpResponse answer;
        if (outcome instanceof BasicAuthenticator.Busy) {
            answer = Exchange.textResponse(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "503 Service Unavailable: too many password checks waiting, retry in a second");
            answer.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
        } else {
            answer = Exchange.textResponse(HttpResponseStatus.UNAUTHORIZED, "401 Unauthorized");
            answer.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, realm.isPresent() ? authenticator.challenge()
                    : "Basic realm=\"" + exchange.site().replace("\"", "") + "\", charset=\"UTF-8\"");
        }
        String cause = outcome instanceof BasicAuthenticator.Busy ? "auth-busy" : "unauthorized";
        if (later == null) {
            return Refusals.refuse(exchange, answer, cause);
        }
        exchange.cause(cause);
        later.respond(answer);
        return later;
    }
}
