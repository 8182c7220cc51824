package dev.gatehouse.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.channels.spi.SelectorProvider;

/** The socket transport: native epoll when it loads (Linux), Java NIO otherwise. Chosen once at start. */
public record Transport(String name, IoHandlerFactory ioHandler, Class<? extends ServerChannel> serverChannel,
                        Class<? extends SocketChannel> socketChannel) {

    /** Epoll when available, unless {@code -Dgatehouse.transport=nio}. */
    public static Transport best() {
        if (Epoll.isAvailable() && !"nio".equals(System.getProperty("gatehouse.transport"))) {
            return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                    EpollSocketChannel.class);
        }
        return nio();
    }

    public static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }

    /**
     * A listening socket of one family: IPv4 only, or IPv6 (dual-stack unless IPV6_V6ONLY is set on it). Without a
     * family the native transport opens IPv6 sockets that take {@code 0.0.0.0} as {@code ::}, both families.
     */
    public ServerChannel newServerChannel(SocketProtocolFamily family) {
        if (EpollServerSocketChannel.class.equals(serverChannel)) {
            return new EpollServerSocketChannel(family);
        }
        return new NioServerSocketChannel(SelectorProvider.provider(), family);
    }

    public EventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, ioHandler);
    }
}
