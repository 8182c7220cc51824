package dev.gatehouse.server;

import dev.gatehouse.http.PeerAddress;

import dev.gatehouse.http.Deadline;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The client connection's clocks, on one re-armable deadline (no timer per request, no listener per write):
 * <ul>
 *   <li>a new connection, or a kept-alive one that started a request, has {@code client_header} to finish the head,
 *       else it gets 408 and is closed, so that slow clients (slowloris) cannot hold connections; the 408 gets an
 *       access-log line and is counted, and so is a new connection closed for sending nothing at all;</li>
 *   <li>a kept-alive connection with nothing sent is closed silently after the idle timeout;</li>
 *   <li>while a request is being served, a client that sends nothing for the idle timeout gets a reader-idle event,
 *       which the exchange's handler judges (a client that stops taking the response stops sending too).</li>
 * </ul>
 * Sits before the codec and sees raw bytes.
 */
final class ClientTimeouts extends ChannelInboundHandlerAdapter {
    /** The body's length in {@link #REQUEST_TIMEOUT}, for the access log. */
    private static final int REQUEST_TIMEOUT_BODY = 53;
    private static final byte[] REQUEST_TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 53\r\nConnection: close\r\n\r\n"
            + "408 Request Timeout: the request head took too long.\n").getBytes(StandardCharsets.US_ASCII);

    private final long headMillis;
    private final long idleMillis;
    private final ServerState state;
    private final String listener;
    private ChannelHandlerContext ctx;
    private boolean awaitingHead = true;
    private boolean bytesSeen;
    private long heads;
    /** Bytes of the head being awaited, and since when: for the 408's access-log line. */
    private long headBytes;
    private long headStartNanos;
    private Deadline deadline;

    /** @param listener the listener's label ({@code http}, {@code https}) for the metrics */
    ClientTimeouts(Duration head, Duration idle, ServerState state, String listener) {
        this.headMillis = head.toMillis();
        this.idleMillis = idle.toMillis();
        this.state = state;
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.deadline = new Deadline(ctx.executor(), this::expired);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        headStartNanos = System.nanoTime();
        deadline.arm(headMillis);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean firstBytes = awaitingHead && !bytesSeen && msg instanceof ByteBuf buf && buf.isReadable();
        if (firstBytes) {
            bytesSeen = true;
            headStartNanos = System.nanoTime();
        }
        if (awaitingHead && msg instanceof ByteBuf buf) {
            headBytes += buf.readableBytes();
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
        headBytes = 0;
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
            state.metrics().clientTimeoutMeters(listener).head();
            state.routing().accessLog().logCutHead(PeerAddress.of(ctx.channel()), 408,
                    REQUEST_TIMEOUT_BODY, headBytes, (System.nanoTime() - headStartNanos) / 1000, "head-timeout");
            ctx.writeAndFlush(Unpooled.wrappedBuffer(REQUEST_TIMEOUT)).addListener(ChannelFutureListener.CLOSE);
        } else {
            if (heads == 0) { // a new connection that never sent a byte; a kept-alive one's idle end is routine
                state.metrics().clientTimeoutMeters(listener).silent();
            }
            ctx.close();
        }
    }
}
