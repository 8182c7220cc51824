package dev.gatehouse.stages;

import dev.gatehouse.auth.ForwardAuthClient;
import dev.gatehouse.config.ForwardAuth;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;

/**
 * {@code forward_auth:}: every request is first put to the auth service ({@link ForwardAuthClient}, on the client's
 * event loop). 2xx: on it goes, with the service's {@code copy_headers} (the client's own copies of them removed
 * first, so nobody can claim to be someone by sending {@code X-User}); any other answer goes to the client as it is;
 * no answer is 503 with a log line, never a pass.
 */
final class ForwardAuthStage implements Stage {
    private static final Logger log = LoggerFactory.getLogger(ForwardAuthStage.class);

    private final ForwardAuthClient client;
    private final String url;

    private ForwardAuthStage(ForwardAuthClient client, String url) {
        this.client = client;
        this.url = url;
    }

    static Optional<Stage> create(ForwardAuth config, boolean secure, StageServices services) {
        return Optional.of(new ForwardAuthStage(new ForwardAuthClient(config.url(), HttpMethod.valueOf(config.method()),
                config.timeout(), config.copyHeaders(), config.requestHeaders(), config.cache(),
                services.access().channelType()), config.url().toString()));
    }

    @Override
    public Foresight foresee(Preview request) {
        return Foresight.passes("asks " + url + " first: a 2xx lets the request on, any other answer is relayed to "
                + "the client (explain does not ask it)");
    }

    @Override
    public RequestFlow begin(Exchange exchange, Handler next) {
        Deferred deferred = new Deferred(exchange);
        ForwardAuthClient.Question question = new ForwardAuthClient.Question(exchange.request(), exchange.host(),
                exchange.secure(), exchange.clientIp());
        client.ask(exchange.ctx().channel().eventLoop(), question, answer -> {
            if (answer instanceof ForwardAuthClient.Passed passed) {
                HttpHeaders headers = exchange.request().headers();
                for (String name : client.copyHeaders()) {
                    headers.remove(name);
                }
                for (Map.Entry<String, String> h : passed.copied()) {
                    headers.add(h.getKey(), h.getValue());
                }
                deferred.proceed(next);
            } else if (answer instanceof ForwardAuthClient.Refused refused) {
                FullHttpResponse response = refused.response();
                HttpHeaders h = response.headers();
                h.remove(HttpHeaderNames.CONNECTION).remove(HttpHeaderNames.KEEP_ALIVE)
                        .remove(HttpHeaderNames.TRANSFER_ENCODING).remove(HttpHeaderNames.PROXY_AUTHENTICATE)
                        .remove(HttpHeaderNames.TRAILER).remove(HttpHeaderNames.UPGRADE);
                exchange.cause("auth-refused");
                deferred.respond(response);
            } else {
                String reason = ((ForwardAuthClient.Failed) answer).reason();
                log.warn("site={} forward_auth url={} failed: {}", exchange.site(), url, reason);
                exchange.cause("auth-unavailable");
                deferred.respond(Exchange.textResponse(HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "503 Service Unavailable: the authentication service did not answer"));
            }
        });
        return deferred;
    }
}
