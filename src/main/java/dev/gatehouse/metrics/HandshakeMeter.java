package dev.gatehouse.metrics;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

import java.nio.channels.ClosedChannelException;

/**
 * Counts one connection's handshake from the TLS handler's completion event, then leaves the pipeline. A
 * connection that closes without the event (refused before a TLS engine existed, or a handler in between kept the
 * event to itself, as the ACME challenge handler does) is counted from the handshake's state at close.
 */
final class HandshakeMeter extends ChannelInboundHandlerAdapter {
    private final TlsHandshakes handshakes;
    private boolean counted;

    HandshakeMeter(TlsHandshakes handshakes) {
        this.handshakes = handshakes;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent e && !counted) {
            counted = true;
            if (e.isSuccess()) {
                handshakes.succeeded();
            } else {
                handshakes.failed(e.cause());
            }
            ctx.fireUserEventTriggered(evt);
            ctx.pipeline().remove(this);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!counted) {
            counted = true;
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            if (ssl != null && ssl.handshakeFuture().isSuccess()) {
                handshakes.succeeded();
            } else if (ssl != null && ssl.handshakeFuture().cause() != null) {
                handshakes.failed(ssl.handshakeFuture().cause());
            } else {
                handshakes.failed(new ClosedChannelException());
            }
        }
        ctx.fireChannelInactive();
    }
}
