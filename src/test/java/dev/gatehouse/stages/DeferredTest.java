package dev.gatehouse.stages;

import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.RequestFlow;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A stage that decides on another thread: the body waits, then goes on or is dropped with the answer. */
class DeferredTest {
    private static final String POST = "POST /upload HTTP/1.1\r\nHost: a.test\r\nContent-Length: 5\r\n\r\nhello";

    @Test
    void proceedingLaterHandsTheHeldBodyOn() {
        StringBuilder body = new StringBuilder();
        Stage later = (exchange, next) -> {
            Deferred deferred = new Deferred(exchange);
            CompletableFuture.runAsync(() -> deferred.proceed(next),
                    CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
            return deferred;
        };
        try (StageHarness h = StageHarness.of(later).action(exchange -> new RequestFlow() {
            @Override
            public void content(HttpContent content) {
                body.append(content.content().toString(StandardCharsets.UTF_8));
                boolean last = content instanceof LastHttpContent;
                content.release();
                if (last) {
                    exchange.respondText(HttpResponseStatus.OK, "got " + body);
                }
            }
        })) {
            StageHarness.Result r = h.send(POST);

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("got hello\n");
        }
    }

    @Test
    void answeringLaterDropsTheHeldBody() {
        Stage refuse = (exchange, next) -> {
            Deferred deferred = new Deferred(exchange);
            CompletableFuture.runAsync(() -> deferred.respond(
                    Exchange.textResponse(HttpResponseStatus.UNAUTHORIZED, "401 Unauthorized")),
                    CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
            return deferred;
        };
        try (StageHarness h = StageHarness.of(refuse)) {
            StageHarness.Result r = h.send(POST);

            assertThat(r.status()).isEqualTo(401);
            assertThat(r.actionSaw()).isNull();
        }
    }

    @Test
    void aClientGoneBeforeTheDecisionEndsTheExchangeAndTheDecisionIsIgnored() {
        Deferred[] held = new Deferred[1];
        Exchange[] exchanges = new Exchange[1];
        Stage waiting = (exchange, next) -> {
            exchanges[0] = exchange;
            held[0] = new Deferred(exchange);
            return held[0];
        };
        try (StageHarness h = StageHarness.of(waiting)) {
            h.start(POST);
            h.closeConnection();

            assertThat(exchanges[0].isFinished()).isTrue();
            assertThat(exchanges[0].status()).isEqualTo(499);
            assertThat(exchanges[0].cause()).isEqualTo("client-closed");
            held[0].respond(Exchange.textResponse(HttpResponseStatus.OK, "too late"));
        }
    }
}
