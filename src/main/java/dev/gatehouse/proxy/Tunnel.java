package dev.gatehouse.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Relays raw bytes both ways after a protocol switch (101, WebSocket and friends). Backpressure by writability:
 * a side is read only while the other can take more. Idle for the WebSocket timeout in both directions: closed.
 */
final class Tunnel extends ChannelInboundHandlerAdapter {
    private final Channel peer;
    private final LongConsumer bytesRelayed;
    private final Runnable onClose;

    private Tunnel(Channel peer, LongConsumer bytesRelayed, Runnable onClose) {
        this.peer = peer;
        this.bytesRelayed = bytesRelayed;
        this.onClose = onClose;
    }

    /**
     * Installs a relay at the end of both pipelines (whose HTTP handlers the caller has removed) and starts reading.
     *
     * @param toClientBytes counts bytes going to the client, for the access log
     * @param closed        runs once, when both sides are closed
     */
    static void join(Channel client, Channel upstream, Duration idle, LongConsumer toClientBytes, Runnable closed) {
        Runnable once = new Runnable() {
            private int closes;

            @Override
            public void run() {
                if (++closes == 2) {
                    closed.run();
                }
            }
        };
        long idleMs = idle.toMillis();
        client.pipeline().addLast("tunnel-idle", new IdleStateHandler(0, 0, idleMs, TimeUnit.MILLISECONDS));
        client.pipeline().addLast("tunnel", new Tunnel(upstream, n -> { }, once));
        upstream.pipeline().addLast("tunnel-idle", new IdleStateHandler(0, 0, idleMs, TimeUnit.MILLISECONDS));
        upstream.pipeline().addLast("tunnel", new Tunnel(client, toClientBytes, once));
        client.read();
        upstream.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            bytesRelayed.accept(buf.readableBytes());
        }
        peer.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
        if (peer.isWritable()) {
            ctx.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            peer.read();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (peer.isActive()) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        onClose.run();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else if (evt instanceof ChannelInputShutdownEvent && peer instanceof DuplexChannel duplex) {
            // This side ended its stream (an HTTP/2 END_STREAM) and may still read: pass the half-close on as FIN.
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
                if (duplex.isActive()) {
                    duplex.shutdownOutput();
                }
            });
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
