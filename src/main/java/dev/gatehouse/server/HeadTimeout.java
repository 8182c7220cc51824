package dev.gatehouse.server;

import dev.gatehouse.http.Deadline;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

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
    private long heads;
    private Deadline deadline;

    HeadTimeout(Duration head, Duration idle) {
        this.headMillis = head.toMillis();
        this.idleMillis = idle.toMillis();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.deadline = new Deadline(ctx.executor(), this::expired);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        deadline.arm(headMillis);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean firstBytes = awaitingHead && !bytesSeen && msg instanceof ByteBuf buf && buf.isReadable();
        if (firstBytes) {
            bytesSeen = true;
        }
        long headsBefore = heads;
        ctx.fireChannelRead(msg);
        if (firstBytes && heads == headsBefore) {
            deadline.arm(headMillis); // a request has begun and its head is still incomplete
        }
    }

    /** The decoder produced a request head. */
    void headArrived() {
        heads++;
        awaitingHead = false;
        deadline.disarm();
    }

    /** The connection is kept alive and waits for its next request. */
    void awaitNextHead() {
        awaitingHead = true;
        bytesSeen = false;
        deadline.arm(idleMillis);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        deadline.cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        deadline.cancel();
    }

    private void expired() {
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
