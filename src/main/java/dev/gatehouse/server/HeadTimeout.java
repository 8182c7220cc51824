package dev.gatehouse.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the time a client may take to send a request head, so that slow clients (slowloris) cannot hold
 * connections: a new connection, or a kept-alive one that started a request, has {@code client_header} to finish
 * the head, else it gets 408 and is closed. A kept-alive connection with nothing sent is closed silently after
 * the idle timeout. Sits before the codec and sees raw bytes.
 */
final class HeadTimeout extends ChannelInboundHandlerAdapter {
    private static final byte[] REQUEST_TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 53\r\nConnection: close\r\n\r\n"
            + "408 Request Timeout: the request head took too long.\n").getBytes(StandardCharsets.US_ASCII);

    private final long headMillis;
    private final long idleMillis;
    private ChannelHandlerContext ctx;
    private boolean awaitingHead = true;
    private boolean bytesSeen;
    private ScheduledFuture<?> timer;

    HeadTimeout(Duration head, Duration idle) {
        this.headMillis = head.toMillis();
        this.idleMillis = idle.toMillis();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        schedule(headMillis);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (awaitingHead && !bytesSeen && msg instanceof ByteBuf buf && buf.isReadable()) {
            bytesSeen = true;
            schedule(headMillis); // a request has begun: the head deadline replaces the idle one
        }
        ctx.fireChannelRead(msg);
    }

    /** The decoder produced a request head. */
    void headArrived() {
        awaitingHead = false;
        cancel();
    }

    /** The connection is kept alive and waits for its next request. */
    void awaitNextHead() {
        awaitingHead = true;
        bytesSeen = false;
        schedule(idleMillis);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void schedule(long millis) {
        cancel();
        timer = ctx.executor().schedule(this::expired, millis, TimeUnit.MILLISECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expired() {
        timer = null;
        if (!awaitingHead || !ctx.channel().isActive()) {
            return;
        }
        if (bytesSeen) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(REQUEST_TIMEOUT)).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }
}
