package dev.gatehouse.http;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import java.net.InetSocketAddress;

/**
 * The address of the peer that opened a client connection. Normally the socket's remote address; behind a load
 * balancer speaking the PROXY protocol, the source address its header announced (set once, before the first request).
 * HTTP/2 streams ask their connection.
 */
public final class PeerAddress {
    private static final AttributeKey<InetSocketAddress> ANNOUNCED = AttributeKey.valueOf("gatehouse.peer");

    private PeerAddress() {
    }

    /** The peer of {@code ch} (a connection or one of its HTTP/2 streams). */
    public static InetSocketAddress of(Channel ch) {
        Channel connection = ch.parent() != null && !(ch.parent() instanceof io.netty.channel.ServerChannel)
                ? ch.parent() : ch;
        InetSocketAddress announced = connection.attr(ANNOUNCED).get();
        return announced != null ? announced : (InetSocketAddress) connection.remoteAddress();
    }

    /** Records the source address a PROXY protocol header announced for this connection. */
    public static void announce(Channel connection, InetSocketAddress source) {
        connection.attr(ANNOUNCED).set(source);
    }
}
