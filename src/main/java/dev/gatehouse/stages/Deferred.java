package dev.gatehouse.stages;

import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayDeque;

/**
 * The flow of a stage that decides after {@link Stage#begin} has returned, once an answer from elsewhere is in (an
 * authentication server, a shared rate counter): the stage returns this, and later calls {@link #proceed} or
 * {@link #respond}, from any thread. Until then no more of the request body is read (what had already arrived is
 * held, at most one read's worth), so a slow decision holds back the client, not memory.
 *
 * <pre>{@code
 * public RequestFlow begin(Exchange exchange, Handler next) {
 *     Deferred deferred = new Deferred(exchange);
 *     authServer.check(exchange.request()).whenComplete((ok, error) -> {
 *         if (ok) deferred.proceed(next);
 *         else deferred.respond(Exchange.textResponse(HttpResponseStatus.FORBIDDEN, "403 Forbidden"));
 *     });
 *     return deferred;
 * }
 * }</pre>
 *
 * If the client goes away first, the exchange ends (logged as 499) and the decision is ignored.
 */
public final class Deferred implements RequestFlow {
    private final Exchange exchange;
    private final EventExecutor loop;
    private final ArrayDeque<HttpContent> held = new ArrayDeque<>(2);
    private RequestFlow flow;
    private boolean ended;

    public Deferred(Exchange exchange) {
        this.exchange = exchange;
        this.loop = exchange.ctx().executor();
    }

    /** Passes the request on to {@code next} (the rest of the chain), with the body held so far. */
    public void proceed(Handler next) {
        onLoop(() -> {
            if (ended || flow != null) {
                return;
            }
            flow = next.begin(exchange);
            HttpContent content;
            while ((content = held.poll()) != null) {
                flow.content(content);
            }
            flow.clientReadComplete();
        });
    }

    /** Answers the request instead of passing it on. */
    public void respond(FullHttpResponse response) {
        onLoop(() -> {
            if (ended || flow != null) {
                response.release();
                return;
            }
            flow = DISCARD_BODY;
            release();
            exchange.respond(response);
        });
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    @Override
    public void content(HttpContent content) {
        if (flow != null) {
            flow.content(content);
        } else if (ended) {
            content.release();
        } else {
            held.add(content);
        }
    }

    @Override
    public void clientReadComplete() {
        if (flow != null) {
            flow.clientReadComplete();
        }
    }

    @Override
    public void clientWritable() {
        if (flow != null) {
            flow.clientWritable();
        }
    }

    @Override
    public void clientClosed() {
        if (flow != null) {
            flow.clientClosed();
            return;
        }
        end();
        exchange.cause("client-closed");
        exchange.finish();
    }

    @Override
    public void abort() {
        if (flow != null) {
            flow.abort();
        } else {
            end();
        }
    }

    @Override
    public void clientIdle() {
        if (flow != null) {
            flow.clientIdle();
        }
        // Still deciding: the client is waiting for us, not the other way round.
    }

    private void end() {
        ended = true;
        release();
    }

    private void release() {
        HttpContent content;
        while ((content = held.poll()) != null) {
            ReferenceCountUtil.release(content);
        }
    }
}
