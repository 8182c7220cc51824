package dev.gatehouse.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslClientHelloHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a whole ClientHello (Netty buffers fragmented ones, up to 64 KiB), asks the registry for a context, and
 * replaces itself with that context's {@link SslHandler}, which then consumes the buffered bytes. One per channel.
 */
final class SniAlpnHandler extends SslClientHelloHandler<CertificateRegistry.Selection> {

    private static final Logger log = LoggerFactory.getLogger(SniAlpnHandler.class);

    /** Fatal {@code unrecognized_name} alert (RFC 6066 section 3, RFC 8446 section 6), sent as a plaintext record. */
    private static final byte[] UNRECOGNIZED_NAME_ALERT = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x70};

    private final CertificateRegistry registry;
    /** The first record was no ClientHello (plain HTTP to the HTTPS port, a scanner). */
    private boolean notTls;

    SniAlpnHandler(CertificateRegistry registry) {
        this.registry = registry;
    }

    @Override
    protected Future<CertificateRegistry.Selection> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) {
        // clientHello belongs to our superclass, which releases it; null when the first record was no ClientHello.
        notTls = clientHello == null;
        ClientHello hello = clientHello == null ? ClientHello.NONE : ClientHello.parse(clientHello);
        CertificateRegistry.Selection selection =
                registry.select(hello.serverName().orElse(null), hello.alpn(), hello.ecdsa(), localAddress(ctx));
        return ctx.executor().newSucceededFuture(selection);
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, Future<CertificateRegistry.Selection> future) {
        CertificateRegistry.Selection selection = future.getNow();
        if (selection.serverName() != null) {
            ctx.channel().attr(TlsSession.SERVER_NAME).set(selection.serverName());
        }
        if (selection.context() == null) {
            // An expected event on the internet (scanners, stale DNS): DEBUG, no stack trace.
            log.debug("tls sni={} remote={} no certificate for this name; handshake refused",
                    selection.serverName(), ctx.channel().remoteAddress());
            // Told to the handlers after this one (handshake metrics) as any failed handshake is.
            ctx.fireUserEventTriggered(new SslHandshakeCompletionEvent(notTls
                    ? new NotSslRecordException("the first record is not a TLS handshake")
                    : new UnrecognizedNameException(selection.serverName())));
            ctx.writeAndFlush(Unpooled.wrappedBuffer(UNRECOGNIZED_NAME_ALERT)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        SslHandler ssl = selection.context().newHandler(ctx.alloc());
        String name = ctx.name();
        // Same name, so the pipeline reads the same before and after; the decoder hands its buffered bytes on.
        ctx.pipeline().replace(this, name, ssl);
        if (selection.challenge()) {
            log.debug("tls sni={} remote={} acme-tls/1 challenge", selection.serverName(), ctx.channel().remoteAddress());
            // RFC 8737 section 3: nothing but the handshake happens on this connection; close (with close_notify)
            // once it is done, and keep the application handlers from seeing it meanwhile.
            Channel channel = ctx.channel();
            ssl.handshakeFuture().addListener(f -> channel.close());
            ctx.pipeline().addAfter(name, "acme-tls-1", new DiscardAfterHandshake());
        }
    }

    private static InetAddress localAddress(ChannelHandlerContext ctx) {
        SocketAddress local = ctx.channel().localAddress();
        return local instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    /** Keeps the application handlers from seeing a challenge connection as anything but opened and closed. */
    private static final class DiscardAfterHandshake extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (!(evt instanceof SslHandshakeCompletionEvent)) {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
