package dev.gatehouse.proxy;

import dev.gatehouse.http.Deadline;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of an upstream connection: hands what the upstream sends to the exchange currently using the
 * connection. An idle pooled connection has no exchange; anything it receives (or an idle timeout) closes it.
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

    private Listener listener;
    private Deadline headerDeadline;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        headerDeadline = new Deadline(ctx.executor(), () -> {
            if (listener != null) {
                listener.upstreamHeaderTimeout();
            }
        });
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
    }

    void detach() {
        this.listener = null;
        headerDeadline.disarm();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (listener != null && msg instanceof HttpObject http) {
            listener.upstreamMessage(http);
        } else {
            // Bytes on an idle keep-alive connection are a protocol error: the connection is unusable.
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
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
        Listener l = listener;
        listener = null;
        if (l != null) {
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

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (listener == null) {
                ctx.close();
            } else {
                listener.upstreamIdle();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }
}
