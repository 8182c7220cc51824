package dev.gatehouse.server;

import dev.gatehouse.http.Deadline;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.RequestFlow;
import dev.gatehouse.metrics.RouteMeters;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Optional;

/**
 * One client connection: takes request heads one at a time (pipelined ones wait their turn), checks them, routes
 * them, hands each to its handler, and decides after every response whether the connection goes on.
 * Reads are explicit (auto-read off): the next request head is read only once the previous response is done.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter implements Exchange.Owner {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);

    private final ServerState state;
    private final RequestDispatch dispatch;
    private final ClientTimeouts timeouts;
    private final ServerHttpCodec codec;
    private final ArrayDeque<Object> pipelined = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Exchange exchange;
    private RequestFlow flow;
    private Routing routing;
    private RouteMeters meters;
    private boolean requestComplete;
    private boolean starting;
    private boolean finishedWhileStarting;
    private boolean draining;
    private long bodyBytes;
    /** {@code timeouts.client_body}: armed while Gatehouse waits for body bytes it asked for; made on first use. */
    private Deadline bodyDeadline;
    private long bodyTimeoutMillis;

    ConnectionHandler(ServerState state, boolean secure, ClientTimeouts timeouts, ServerHttpCodec codec) {
        this.state = state;
        this.dispatch = new RequestDispatch(secure);
        this.timeouts = timeouts;
        this.codec = codec;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (state.admit(ctx)) {
            ctx.fireChannelActive();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!ctx.channel().isActive()) {
            // Decoded as the connection closed (a head cut short, e.g. after a 408): nobody is left to answer,
            // and a 400 in the access log would be false.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (exchange != null && requestComplete || !pipelined.isEmpty()) {
            pipelined.add(msg); // a pipelined request: its turn comes when the current response is done
            return;
        }
        handle(msg);
    }

    private void handle(Object msg) {
        if (msg instanceof HttpRequest request) {
            startExchange(request);
        }
        if (msg instanceof HttpContent content) {
            body(content);
        } else if (!(msg instanceof HttpRequest)) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void startExchange(HttpRequest request) {
        timeouts.headArrived();
        routing = state.routing();
        requestComplete = false;
        bodyBytes = 0;
        bodyTimeoutMillis = routing.config().timeouts().clientBody().toMillis();
        boolean keepAlive = HttpUtil.isKeepAlive(request) && !draining && !state.isDraining();
        starting = true;
        try {
            RequestDispatch.Started started = dispatch.start(ctx, request, routing, keepAlive, this, codec);
            exchange = started.exchange();
            flow = started.flow();
            meters = started.meters();
        } finally {
            starting = false;
        }
        if (finishedWhileStarting) {
            finishedWhileStarting = false;
            count(exchange);
            afterResponse();
        }
    }

    private void body(HttpContent content) {
        if (bodyDeadline != null) {
            bodyDeadline.disarm(); // the client sent: the next wait starts with the next read asked for
        }
        if (exchange == null) {
            content.release();
            return;
        }
        bodyBytes += content.content().readableBytes();
        Optional<BodyRules.Broken> broken = BodyRules.check(content, bodyBytes, routing.config().limits().maxBody());
        if (broken.isPresent()) {
            content.release();
            badBody(broken.get().status(), broken.get().message());
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (last) {
            requestComplete = true;
        }
        flow.content(content);
        if (exchange != null && exchange.isFinished()) {
            afterResponse(); // the response went out before the body ended: this was the rest of it
        }
    }

    /**
     * The body paused for longer than {@code timeouts.client_body}: 408 when the response has not started, else a
     * close; the flow lets go of its upstream either way.
     */
    private void bodyTimedOut() {
        if (exchange == null || requestComplete || !ctx.channel().isActive()) {
            return;
        }
        state.metrics().clientTimeoutMeters(dispatch.secure() ? "https" : "http").body();
        badBody(BodyRules.STALLED.status(), BodyRules.STALLED.message(), "body-timeout");
    }

    private void badBody(HttpResponseStatus status, String message) {
        badBody(status, message, "bad-body");
    }

    /** The body broke a rule mid-stream: answer if the response has not started, else cut the connection. */
    private void badBody(HttpResponseStatus status, String message, String cause) {
        requestComplete = true;
        Exchange ex = exchange;
        RequestFlow current = flow; // answering can end the exchange and clear the fields
        if (ex.isFinished()) {
            ctx.close();
            return;
        }
        // Before the flow gives up: aborting may finish the exchange, and then this connection would carry on
        // without an answer (or with the exchange gone).
        ex.closeAfterResponse();
        ex.cause(cause);
        boolean answer = ex.status() == 0 && ctx.channel().isActive();
        if (answer) {
            ex.respondText(status, message);
        }
        current.abort();
        if (!answer) {
            ctx.close();
            ex.finish();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (flow != null && exchange != null && !exchange.isFinished()) {
            flow.clientReadComplete();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void readRequestBody() {
        if (!requestComplete) {
            if (bodyDeadline == null) {
                bodyDeadline = new Deadline(ctx.executor(), this::bodyTimedOut);
            }
            bodyDeadline.arm(bodyTimeoutMillis);
            ctx.read();
        }
    }

    @Override
    public void finished(Exchange ex) {
        routing.accessLog().log(ex);
        if (starting) {
            finishedWhileStarting = true; // counted once the meters are known, see start
        } else {
            count(ex);
            afterResponse();
        }
    }

    private void count(Exchange ex) {
        meters.record(ex.request().method(), ex.status(), System.nanoTime() - ex.startNanos(), bodyBytes,
                ex.bytesOut());
    }

    /** The response is written and the request read: close, or turn to the next request. */
    private void afterResponse() {
        if (exchange == null) {
            return;
        }
        if (!exchange.keepAlive() || draining || state.isDraining() || !ctx.channel().isActive()) {
            exchange = null;
            flow = null;
            releasePipelined();
            ctx.close();
            return;
        }
        if (!requestComplete) {
            readRequestBody(); // read the rest of the body and drop it, then go on
            return;
        }
        exchange = null;
        flow = null;
        while (!pipelined.isEmpty() && (exchange == null || !requestComplete)) {
            handle(pipelined.poll());
        }
        if (exchange == null) {
            timeouts.awaitNextHead();
            ctx.read();
        }
    }

    @Override
    public void switchedProtocols() {
        ctx.pipeline().remove(timeouts);
        if (ctx.pipeline().get(ChunkedWriteHandler.class) != null) {
            ctx.pipeline().remove(ChunkedWriteHandler.class);
        }
        ctx.pipeline().remove(this);
        ctx.pipeline().remove(codec);
    }

    /** Shutdown: close now when idle, else after the current response, which says Connection: close. */
    void drain() {
        draining = true;
        if (exchange == null) {
            ctx.close();
        } else {
            exchange.closeAfterResponse(); // so the client does not send its next request into the closing socket
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (flow != null && ctx.channel().isWritable()) {
            flow.clientWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && flow != null && exchange != null && !exchange.isFinished()) {
            flow.clientIdle();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (bodyDeadline != null) {
            bodyDeadline.cancel();
        }
        releasePipelined();
        if (flow != null && exchange != null && !exchange.isFinished()) {
            exchange.status(exchange.status() == 0 ? 499 : exchange.status());
            flow.clientClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("client={} connection error: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private void releasePipelined() {
        Object msg;
        while ((msg = pipelined.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }
}
