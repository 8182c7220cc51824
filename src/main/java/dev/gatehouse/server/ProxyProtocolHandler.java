package dev.gatehouse.server;

import dev.gatehouse.http.PeerAddress;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The PROXY protocol (v1 text or v2 binary, as HAProxy and cloud network load balancers send it) in front of a
 * client connection: the header's source address becomes the connection's peer ({@link PeerAddress}), then this
 * handler and the decoder leave the pipeline and the connection goes on as usual (TLS, HTTP). A connection whose
 * first bytes are not a valid header is closed with a log line. A {@code LOCAL} header (the balancer's own health
 * check) and the {@code UNKNOWN}/UNIX families keep the socket's address.
 */
final class ProxyProtocolHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ProxyProtocolHandler.class);

    /** Puts the decoder and this handler first in a new connection's pipeline. */
    static void install(io.netty.channel.Channel ch) {
        ch.pipeline().addFirst("proxy-protocol-peer", new ProxyProtocolHandler())
                .addFirst("proxy-protocol", new HAProxyMessageDecoder());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (header.command() == HAProxyCommand.PROXY && carriesAddresses(header.proxiedProtocol())) {
                InetAddress source = literal(header.sourceAddress());
                if (source == null) {
                    close(ctx, "source address \"" + header.sourceAddress() + "\" is not an IP address");
                    return;
                }
                PeerAddress.announce(ctx.channel(), new InetSocketAddress(source, header.sourcePort()));
            }
        } finally {
            ReferenceCountUtil.release(header);
        }
        ctx.pipeline().remove(this);
        // Reads are explicit: the header may have come alone, and nobody after it has asked for the request yet.
        ctx.channel().read();
    }

    private static boolean carriesAddresses(HAProxyProxiedProtocol protocol) {
        return protocol.addressFamily() == HAProxyProxiedProtocol.AddressFamily.AF_IPv4
                || protocol.addressFamily() == HAProxyProxiedProtocol.AddressFamily.AF_IPv6;
    }

    private static InetAddress literal(String text) {
        byte[] bytes = text == null ? null : NetUtil.createByteArrayFromIpAddressString(text);
        try {
            return bytes == null ? null : InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        close(ctx, cause.getMessage() == null ? cause.toString() : cause.getMessage());
    }

    private static void close(ChannelHandlerContext ctx, String why) {
        log.info("client={} connection closed: no valid PROXY protocol header ({})", ctx.channel().remoteAddress(),
                why);
        ctx.close();
    }
}
