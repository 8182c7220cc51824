package dev.gatehouse.cache;

import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * A miss that waits for another request's fetch of the same URL (request coalescing) instead of going to the origin:
 * when that answer is storable, this client gets it streamed from the copy being stored, as fast as it arrives and
 * as fast as this client takes it; when it is not (or the wait runs out), this request goes to the origin on its own.
 * Confined to this client's event loop; the fetch's news arrive from the leader's and hop over.
 */
final class WaitingFlow implements RequestFlow, InFlight.Waiter {
    /** Body bytes handed to the connection per write. */
    private static final int PIECE = 64 * 1024;

    private final CacheStage stage;
    private final Exchange exchange;
    private final Handler next;
    private final String key;
    private final RequestRules request;
    private final Decision.Forward decision;
    private final HttpRequest client;
    private final InFlight fetch;
    private final EventExecutor loop;
    private final ArrayDeque<HttpContent> held = new ArrayDeque<>(1);
    private ScheduledFuture<?> timeout;
    private RequestFlow proceeded;
    private boolean streaming;
    private boolean ended;
    private long position;

    WaitingFlow(CacheStage stage, Exchange exchange, Handler next, String key, RequestRules request,
                Decision.Forward decision, HttpRequest client, InFlight fetch) {
        this.stage = stage;
        this.exchange = exchange;
        this.next = next;
        this.key = key;
        this.request = request;
        this.decision = decision;
        this.client = client;
        this.fetch = fetch;
        this.loop = exchange.ctx().executor();
    }

    /** Joins the fetch; false when it has no room (the caller then forwards the request itself). */
    boolean start(long waitMillis) {
        if (!fetch.await(this)) {
            return false;
        }
        timeout = loop.schedule(this::waitedTooLong, waitMillis, TimeUnit.MILLISECONDS);
        return true;
    }

    // ---- news from the fetch (any thread)

    @Override
    public void headReady(StoredResponse head) {
        loop.execute(() -> streamFrom(head));
    }

    @Override
    public void dataReady() {
        loop.execute(this::pump);
    }

    @Override
    public void released() {
        loop.execute(this::goAlone);
    }

    @Override
    public void failed() {
        loop.execute(() -> {
            if (streaming) {
                cut();
            } else {
                goAlone();
            }
        });
    }

    // ---- on this client's loop

    private void waitedTooLong() {
        if (!streaming && proceeded == null && !ended) {
            goAlone();
        }
    }

    private void goAlone() {
        if (ended || streaming || proceeded != null) {
            return;
        }
        cancelTimeout();
        fetch.leave(this);
        proceeded = stage.alone(exchange, next, key, request, decision, client, true);
        HttpContent c;
        while ((c = held.poll()) != null) {
            proceeded.content(c);
        }
        proceeded.clientReadComplete();
    }

    private void streamFrom(StoredResponse head) {
        if (ended || streaming || proceeded != null) {
            return;
        }
        if (!head.vary.matches(client.headers())) {
            goAlone(); // the answer was selected by other request fields than ours
            return;
        }
        cancelTimeout();
        streaming = true;
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(head.status, head.reason));
        response.headers().set(head.headers).set(HttpHeaderNames.AGE, 0);
        long length = fetch.expectedLength();
        if (length >= 0) {
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
        } else {
            response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        CacheStatus.forward(decision.fwd()).collapsed().addTo(response.headers());
        exchange.status(head.status);
        exchange.markUpstreamResponse(); // the upstream's answer, shared with the request that fetched it
        exchange.applyKeepAlive(response);
        exchange.ctx().write(response, exchange.ctx().voidPromise());
        pump();
    }

    private void pump() {
        if (!streaming || ended) {
            return;
        }
        ChannelHandlerContext ctx = exchange.ctx();
        while (ctx.channel().isWritable()) {
            InFlight.Piece p = fetch.read(position, PIECE);
            if (p.failed()) {
                cut();
                return;
            }
            if (p.data() == null && !p.end()) {
                break; // nothing new yet: dataReady brings us back
            }
            int n = p.data() == null ? 0 : p.data().readableBytes();
            position += n;
            exchange.addBytesOut(n);
            if (p.end()) {
                ended = true;
                fetch.leave(this);
                Object last = p.data() == null ? LastHttpContent.EMPTY_LAST_CONTENT : Responder.piece(p.data(), true);
                ctx.writeAndFlush(last).addListener(f -> {
                    if (!f.isSuccess()) {
                        exchange.closeAfterResponse();
                        ctx.close();
                    }
                    exchange.finish();
                });
                return;
            }
            ctx.write(Responder.piece(p.data(), false), ctx.voidPromise());
        }
        ctx.flush();
    }

    /** The fetch broke off mid-body: this response cannot be completed, so the connection ends with it. */
    private void cut() {
        if (ended) {
            return;
        }
        ended = true;
        fetch.leave(this);
        exchange.cause("upstream-broke-off");
        exchange.closeAfterResponse();
        exchange.ctx().close();
        exchange.finish();
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    private void stop() {
        cancelTimeout();
        ended = true;
        fetch.leave(this);
        HttpContent c;
        while ((c = held.poll()) != null) {
            ReferenceCountUtil.release(c);
        }
    }

    // ---- RequestFlow: the client side

    @Override
    public void content(HttpContent content) {
        if (proceeded != null) {
            proceeded.content(content);
        } else if (ended || streaming) {
            content.release();
        } else {
            held.add(content);
        }
    }

    @Override
    public void clientReadComplete() {
        if (proceeded != null) {
            proceeded.clientReadComplete();
        }
    }

    @Override
    public void clientWritable() {
        if (proceeded != null) {
            proceeded.clientWritable();
        } else {
            pump();
        }
    }

    @Override
    public void clientClosed() {
        if (proceeded != null) {
            proceeded.clientClosed();
            return;
        }
        if (!ended) {
            stop();
            exchange.cause("client-closed");
            exchange.finish();
        }
    }

    @Override
    public void abort() {
        if (proceeded != null) {
            proceeded.abort();
        } else {
            stop();
        }
    }

    @Override
    public void clientIdle() {
        if (proceeded != null) {
            proceeded.clientIdle();
        } else if (streaming && !ended) {
            stop();
            exchange.cause("client-idle");
            exchange.finish();
            exchange.ctx().close();
        }
    }
}
