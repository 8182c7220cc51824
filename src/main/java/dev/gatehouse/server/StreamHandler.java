package dev.gatehouse.server;

import dev.gatehouse.http.Deadline;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.metrics.RouteMeters;
import dev.gatehouse.http.RequestFlow;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;

import java.util.List;
import java.util.Optional;

/**
 * One HTTP/2 stream: one request and its response, on the stream's child channel. The request goes through
 * {@link RequestDispatch} exactly as on HTTP/1.1; what is left here is what a stream does differently from a
 * connection: no pipelining, no keep-alive (the stream ends with its response), and body reads that pace the
 * stream's flow-control window.
 */
final class StreamHandler extends ChannelInboundHandlerAdapter implements Exchange.Owner {
    private final ServerState state;
    private final RequestDispatch dispatch;
    private final Http2ConnectionWatch watch;
    private final Http2ResponseHeaders responseHeaders;
    private ChannelHandlerContext ctx;
    private Routing routing;
    private Exchange exchange;
    private RouteMeters meters;
    private RequestFlow flow;
    private boolean requestComplete;
    private boolean starting;
    private boolean finishedWhileStarting;
    private long bodyBytes;
    private boolean tunnel;
    /** {@code timeouts.client_body}: armed while the stream waits for body bytes it asked for; made on first use. */
    private Deadline bodyDeadline;

    StreamHandler(ServerState state, RequestDispatch dispatch, Http2ConnectionWatch watch,
                  Http2ResponseHeaders responseHeaders) {
        this.state = state;
        this.dispatch = dispatch;
        this.watch = watch;
        this.responseHeaders = responseHeaders;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        watch.streamOpened(this);
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (tunnel) {
            ctx.fireChannelRead(msg); // WebSocket bytes for the tunnel behind
            return;
        }
        if (msg instanceof FullHttpRequest full) {
            // A head that ends the stream comes as one full request; the handlers expect a head, then the body's
            // last content (as HTTP/1.1's decoder gives them), and pass that content on as it is.
            HttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(),
                    full.headers());
            head.setDecoderResult(full.decoderResult());
            msg = new DefaultLastHttpContent(full.content(), full.trailingHeaders());
            requestComplete = true;
            start(head);
        } else if (msg instanceof HttpRequest request && exchange == null) {
            start(request);
        }
        if (msg instanceof HttpContent content) {
            body(content);
        } else if (!(msg instanceof HttpRequest)) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void start(HttpRequest request) {
        routing = state.routing();
        normalize(request);
        starting = true;
        try {
            RequestDispatch.Started started = dispatch.start(ctx, request, routing, !state.isDraining(), this,
                    responseHeaders);
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

    /**
     * Netty's conversion writes {@code :authority} as Host and adds {@code x-http2-*} headers of its own, which must
     * not reach an upstream. RFC 9113 §8.3.1: {@code :authority} and a Host header that differ make the request
     * malformed (the conversion fails with a stream error, see {@link #exceptionCaught}); the same value twice is
     * one Host.
     */
    private static void normalize(HttpRequest request) {
        HttpHeaders headers = request.headers();
        for (HttpConversionUtil.ExtensionHeaderNames name : HttpConversionUtil.ExtensionHeaderNames.values()) {
            headers.remove(name.text());
        }
        List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1 && hosts.stream().allMatch(h -> h.equalsIgnoreCase(hosts.get(0)))) {
            headers.set(HttpHeaderNames.HOST, hosts.get(0));
        }
    }

    private void body(HttpContent content) {
        if (bodyDeadline != null) {
            bodyDeadline.disarm();
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
        if (content instanceof LastHttpContent) {
            requestComplete = true;
        }
        flow.content(content);
    }

    /** The body paused for longer than {@code timeouts.client_body}: as on HTTP/1.1, 408 or a reset stream. */
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

    /** The body broke a rule mid-stream: answer if the response has not started, else reset the stream. */
    private void badBody(HttpResponseStatus status, String message, String cause) {
        requestComplete = true;
        Exchange ex = exchange;
        RequestFlow current = flow;
        if (ex.isFinished()) {
            ctx.close();
            return;
        }
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
        if (flow != null && !exchange.isFinished()) {
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
            bodyDeadline.arm(routing.config().timeouts().clientBody().toMillis());
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

    /**
     * The response is written. A request body still on its way is not wanted any more: closing the stream's channel
     * resets the stream (RFC 9113 §8.1 allows a complete response before the request is complete).
     */
    private void afterResponse() {
        if (!requestComplete && ctx.channel().isActive()) {
            ctx.close();
        }
    }

    /**
     * HTTP/2 has no 101 and no Upgrade (the codec refuses the header): only a WebSocket by extended CONNECT
     * switches, and {@link ExtendedConnect} carries its bytes; otherwise the stream ends.
     */
    @Override
    public void switchedProtocols() {
        ExtendedConnect connect = ctx.pipeline().get(ExtendedConnect.class);
        if (connect != null && connect.switched()) {
            tunnel = true;
        } else {
            ctx.close();
        }
    }

    /** The connection saw nothing from the client for the idle timeout while this stream was open. */
    void clientIdle() {
        if (tunnel) {
            return; // the tunnel has its own idle timeout
        }
        if (flow != null && !exchange.isFinished()) {
            flow.clientIdle();
        } else if (exchange == null) {
            ctx.close(); // opened and never sent a head
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
        if (tunnel && evt instanceof ChannelInputShutdownEvent) {
            ctx.fireUserEventTriggered(evt); // the client's END_STREAM, for the tunnel
            return;
        }
        ReferenceCountUtil.release(evt); // RST_STREAM from the client arrives here; the close that follows counts
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (bodyDeadline != null) {
            bodyDeadline.cancel();
        }
        watch.streamClosed(this);
        if (flow != null && !exchange.isFinished()) {
            exchange.status(exchange.status() == 0 ? 499 : exchange.status());
            flow.clientClosed();
        }
        ctx.fireChannelInactive();
    }

    /**
     * A stream error found while converting the frames (a malformed request, RFC 9113 §8.1.1, such as
     * {@code :authority} and Host that differ): RST_STREAM with the error's code, other streams go on.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Http2Exception h2 = cause instanceof Http2Exception e ? e
                : cause.getCause() instanceof Http2Exception e ? e : null;
        if (h2 == null) {
            state.clientErrors().exceptionCaught(ctx, cause); // logs what it is and closes (resets) the stream
            return;
        }
        state.clientErrors().streamError(ctx.channel().parent(), h2);
        if (ctx.channel().isActive()) {
            ctx.channel().writeAndFlush(new DefaultHttp2ResetFrame(h2.error()))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }
}
