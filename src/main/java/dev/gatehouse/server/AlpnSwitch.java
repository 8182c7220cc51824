package dev.gatehouse.server;

import dev.gatehouse.tls.SslContexts;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On an HTTPS connection, waits for the handshake and installs the protocol ALPN agreed on: {@code h2} gets the
 * HTTP/2 pipeline, {@code http/1.1} (or a client that offered no ALPN) the HTTP/1.1 one. Starts the connection's
 * reads (auto-read is off), so that the handshake happens at all.
 */
final class AlpnSwitch extends ApplicationProtocolNegotiationHandler {
    private static final Logger log = LoggerFactory.getLogger(AlpnSwitch.class);

    private final ServerState state;

    AlpnSwitch(ServerState state) {
        super(SslContexts.HTTP_1_1);
        this.state = state;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (state.admit(ctx)) {
            ctx.fireChannelActive();
        }
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        if (state.isDraining()) {
            ctx.close();
            return;
        }
        if (SslContexts.H2.equals(protocol)) {
            Http2Pipeline.install(ctx.channel(), state, true);
        } else {
            HttpInitializer.http1(ctx.channel(), state, true);
        }
        ctx.read();
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        // Scanners and clients that distrust the certificate: expected on the internet, so DEBUG without a trace.
        log.debug("client={} tls handshake failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        state.clientErrors().exceptionCaught(ctx, cause); // before the protocol is chosen, nothing comes after
    }
}
