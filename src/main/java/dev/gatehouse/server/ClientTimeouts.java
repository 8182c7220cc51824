package dev.gatehouse.server;

import dev.gatehouse.http.Deadline;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The client connection's clocks, on one re-armable deadline (no timer per request, no listener per write):
 * <ul>
 *   <li>a new connection, or a kept-alive one that started a request, has {@code client_header} to finish the head,
 *       else it gets 408 and is closed, so that slow clients (slowloris) cannot hold connections;</li>
 *   <li>a kept-alive connection with nothing sent is closed silently after the idle timeout;</li>
 *   <li>while a request is being served, a client that sends nothing for the idle timeout gets a reader-idle event,
 *       which the exchange's handler judges (a client that stops taking the response stops sending too).</li>
 * </ul>
 * Sits before the codec and sees raw bytes.
 */
final class ClientTimeouts extends ChannelInboundHandlerAdapter {
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

    ClientTimeouts(Duration head, Duration idle) {
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
        if (!awaitingHead) {
            deadline.arm(idleMillis); // traffic during an exchange: the idle clock starts over
        }
        ctx.fireChannelRead(msg);
        // The bytes may have been an HTTP/2 preface that replaced this handler (h2c): a clock armed now would
        // outlive it and close the connection, with a raw HTTP/1.1 408 in its frames, one head timeout later.
        if (firstBytes && heads == headsBefore && !ctx.isRemoved()) {
            deadline.arm(headMillis); // a request has begun and its head is still incomplete
        }
    }

    /** The decoder produced a request head. */
    void headArrived() {
        heads++;
        awaitingHead = false;
        deadline.arm(idleMillis);
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
        if (!ctx.channel().isActive()) {
            return;
        }
        if (!awaitingHead) {
            deadline.arm(idleMillis); // fires again after another idle period if nothing changes
            ctx.fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
            return;
        }
        if (bytesSeen) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(REQUEST_TIMEOUT)).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }
}
