package dev.gatehouse.proxy;

import dev.gatehouse.http.Deadline;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of an upstream connection (or of an HTTP/2 stream's child channel): hands what the upstream
 * sends to the exchange currently using it. An idle pooled connection has no exchange; anything it receives (or an
 * idle timeout) closes it.
 * Its clocks (response head, reader idle) are re-armable deadlines: nothing is scheduled per request.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {

    /** The side of the proxy that consumes upstream events. */
    interface Listener {
        void upstreamMessage(HttpObject msg);

        void upstreamReadComplete();

        void upstreamWritable();

        void upstreamClosed();

        void upstreamFailed(Throwable cause);

        void upstreamIdle();

        void upstreamHeaderTimeout();
    }

    private final long idleMillis;
    private Listener listener;
    private ChannelHandlerContext ctx;
    private Deadline headerDeadline;
    private Deadline idleDeadline;
    private UpstreamStreamException refusedBy;

    /** @param idleMillis reader idle: nothing received for this long closes an idle connection or tells the exchange */
    UpstreamHandler(long idleMillis) {
        this.idleMillis = idleMillis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        headerDeadline = new Deadline(ctx.executor(), () -> {
            if (listener != null) {
                listener.upstreamHeaderTimeout();
            }
        });
        idleDeadline = new Deadline(ctx.executor(), this::idle);
        idleDeadline.arm(idleMillis);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        headerDeadline.cancel();
        idleDeadline.cancel();
    }

    private void idle() {
        if (listener == null) {
            ctx.close();
            return;
        }
        idleDeadline.arm(idleMillis); // tells the exchange again after another idle period
        listener.upstreamIdle();
    }

    /** Starts the wait for the response head (the request has been sent completely). */
    void armHeaderTimeout(long millis) {
        headerDeadline.arm(millis);
    }

    void disarmHeaderTimeout() {
        headerDeadline.disarm();
    }

    void attach(Listener listener) {
        this.listener = listener;
        idleDeadline.arm(idleMillis);
    }

    void detach() {
        this.listener = null;
        headerDeadline.disarm();
        idleDeadline.arm(idleMillis); // from now on: the time it may sit idle in the pool
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        idleDeadline.arm(idleMillis);
        if (listener != null && msg instanceof HttpObject http) {
            listener.upstreamMessage(http);
        } else if (msg instanceof Http2ResetFrame reset) {
            boolean refused = reset.errorCode() == Http2Error.REFUSED_STREAM.code();
            streamEnded(ctx, new UpstreamStreamException("the upstream reset the stream ("
                    + errorName(reset.errorCode()) + ")", refused));
        } else {
            // Bytes on an idle keep-alive connection are a protocol error: the connection is unusable.
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    /** On a stream above the last-stream-id of a GOAWAY: the upstream will not process it (RFC 9113 §6.8). */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2GoAwayFrame goAway) {
            goAway.release();
            // Netty closes the stream right after this event; closing it here would send an RST_STREAM for a stream
            // the upstream never took, which some take for a protocol error of the whole connection.
            refusedBy = new UpstreamStreamException("the upstream is going away (GOAWAY last-stream-id "
                    + goAway.lastStreamId() + ")", true);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void streamEnded(ChannelHandlerContext ctx, UpstreamStreamException cause) {
        Listener l = listener;
        listener = null;
        ctx.close();
        if (l != null) {
            l.upstreamFailed(cause);
        }
    }

    private static String errorName(long code) {
        Http2Error error = Http2Error.valueOf(code);
        return error == null ? "error " + code : error.name();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (listener != null) {
            listener.upstreamReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (listener != null && ctx.channel().isWritable()) {
            listener.upstreamWritable();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        headerDeadline.cancel();
        idleDeadline.cancel();
        Listener l = listener;
        listener = null;
        if (l != null && refusedBy != null) {
            l.upstreamFailed(refusedBy);
        } else if (l != null) {
            l.upstreamClosed();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Listener l = listener;
        listener = null;
        ctx.close();
        if (l != null) {
            l.upstreamFailed(cause);
        }
    }
}
