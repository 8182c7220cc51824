package dev.gatehouse.stages;

import dev.gatehouse.acme.Http01Tokens;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import dev.gatehouse.routing.RequestPaths;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * ACME HTTP-01 (RFC 8555 §8.3): the CA fetches {@code /.well-known/acme-challenge/TOKEN} over plain HTTP. First on
 * every plain-HTTP chain, so no redirect, access rule or route gets in the way; a token that is not one of ours
 * passes on (a site may serve its own {@code .well-known} files).
 */
final class AcmeChallengeStage implements Stage {
    private final Http01Tokens tokens;

    AcmeChallengeStage(Http01Tokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public RequestFlow begin(Exchange exchange, Handler next) {
        String uri = exchange.request().uri();
        if (uri.startsWith("/") && !uri.startsWith(Http01Tokens.PATH_PREFIX)) {
            return next.begin(exchange); // most requests: no path to take apart
        }
        Optional<String> answer = keyAuthorization(uri);
        if (answer.isEmpty()) {
            return next.begin(exchange);
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer(answer.get(), StandardCharsets.US_ASCII));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
        exchange.respond(response);
        return RequestFlow.DISCARD_BODY;
    }

    private Optional<String> keyAuthorization(String uri) {
        return Http01Tokens.tokenFromPath(RequestPaths.rawPath(uri)).flatMap(tokens::keyAuthorization);
    }

    @Override
    public Foresight foresee(Preview request) {
        if (keyAuthorization(request.request().uri()).isPresent()) {
            return Foresight.answers(200, "answers the CA's HTTP-01 check for a token being validated now");
        }
        return Foresight.passes("answers only the CA's HTTP-01 checks (" + Http01Tokens.PATH_PREFIX
                + "TOKEN for tokens being validated): not this request");
    }
}
