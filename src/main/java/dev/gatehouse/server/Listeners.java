package dev.gatehouse.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;

import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.AttributeKey;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The listening sockets (one per {@link Kind} and address) and the event loops they and their connections run on. A
 * reload that moves a listener binds the new sockets first and closes the old ones after ({@link #bind} then
 * {@link #put}), so there is no moment without a listener; connections accepted by the old ones live on.
 */
final class Listeners {
    /** The client-facing listeners. */
    enum Kind {
        HTTP("http"), HTTPS("https");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private final Transport transport;
    /** setsockopt(IPPROTO_IPV6, IPV6_V6ONLY): Linux's numbers, for the native transports. */
    private static final IntegerUnixChannelOption IPV6_V6ONLY = new IntegerUnixChannelOption("IPV6_V6ONLY", 41, 26);

    /** How a socket was bound ("address port [family-only]"), to reuse it for the same on a reload. */
    private static final AttributeKey<String> BIND_KEY = AttributeKey.valueOf("gatehouse.bind");

    private final Map<Kind, List<Channel>> bound = new EnumMap<>(Kind.class);
    private EventLoopGroup acceptors;
    private EventLoopGroup workers;

    Listeners(Transport transport) {
        this.transport = transport;
    }

    /** Makes the event loops (before the first {@link #bind}). */
    void start() {
        acceptors = transport.newGroup(1);
        workers = transport.newGroup(Runtime.getRuntime().availableProcessors());
    }

    /**
     * Binds a socket on each address without putting them in place yet: they accept no connection before {@link #put}
     * (clients that come meanwhile wait in the backlog). The first address takes {@code port}, the
     * others the port it got (so 0 means one free port for all). In a list each address listens for its own family
     * only (IPv6 with IPV6_V6ONLY), so {@code ["0.0.0.0", "::"]} can share a port; one address alone keeps the
     * transport's default ({@code "::"} and, on epoll, {@code "0.0.0.0"} take both families). A socket {@code kind}
     * already has for the same address, port and mode is reused (a reload that adds an address must not bind the
     * others twice). Throws, naming the listener and the address, when an address cannot be bound, after closing the
     * sockets it opened.
     */
    List<Channel> bind(Kind kind, List<String> addresses, int port, ChannelInitializer<SocketChannel> initializer)
            throws InterruptedException, ListenerBindException {
        boolean list = addresses.size() > 1;
        List<Channel> channels = new ArrayList<>(addresses.size());
        List<Channel> opened = new ArrayList<>();
        try {
            int next = port;
            for (String address : addresses) {
                InetSocketAddress socket = new InetSocketAddress(address, next);
                // Only a wildcard listens differently alone and in a list.
                boolean familyOnly = list && socket.getAddress() != null && socket.getAddress().isAnyLocalAddress();
                String key = address + " " + next + (familyOnly ? " family-only" : "");
                Optional<Channel> reused = next == 0 ? Optional.empty()
                        : get(kind).stream().filter(c -> key.equals(c.attr(BIND_KEY).get())).findFirst();
                Channel channel;
                if (reused.isPresent()) {
                    channel = reused.get();
                } else {
                    ChannelFuture bound = bootstrap(initializer, socket, list).bind(socket).await();
                    if (!bound.isSuccess()) {
                        throw new ListenerBindException("listen." + kind.label, address, next, bound.cause());
                    }
                    channel = bound.channel();
                    opened.add(channel);
                    next = ((InetSocketAddress) channel.localAddress()).getPort();
                    channel.attr(BIND_KEY).set(address + " " + next + (familyOnly ? " family-only" : ""));
                }
                channels.add(channel);
            }
            return List.copyOf(channels);
        } catch (InterruptedException | ListenerBindException | RuntimeException e) {
            opened.forEach(c -> c.close().awaitUninterruptibly());
            throw e;
        }
    }

    private ServerBootstrap bootstrap(ChannelInitializer<SocketChannel> initializer, InetSocketAddress socket,
                                      boolean familyOnly) {
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptors, workers)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer);
        if (!familyOnly) {
            return b.channel(transport.serverChannel());
        }
        boolean ipv6 = socket.getAddress() instanceof Inet6Address;
        b.channelFactory(() -> transport.newServerChannel(ipv6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET));
        // Java NIO has no such option: there "0.0.0.0" and "::" on one port conflict (and "::" alone serves both).
        if (ipv6 && UnixChannel.class.isAssignableFrom(transport.serverChannel())) {
            b.option(IPV6_V6ONLY, 1);
        }
        return b;
    }

    /**
     * Puts {@code listeners} in place of {@code kind}'s, closes those they replace (their connections stay), and starts
     * accepting on them.
     */
    synchronized void put(Kind kind, List<Channel> listeners) {
        List<Channel> old = bound.put(kind, List.copyOf(listeners));
        if (old != null) {
            old.stream().filter(c -> !listeners.contains(c)).forEach(c -> c.close().awaitUninterruptibly());
        }
        listeners.forEach(c -> c.config().setAutoRead(true));
    }

    /** Closes what {@link #bind} opened for {@code kind} when it is not put in place after all (a failed reload). */
    synchronized void discard(Kind kind, List<Channel> listeners) {
        List<Channel> inPlace = get(kind);
        listeners.stream().filter(c -> !inPlace.contains(c)).forEach(c -> c.close().awaitUninterruptibly());
    }

    /** Closes {@code kind}'s listeners (a reload turned it off). */
    synchronized void close(Kind kind) {
        List<Channel> old = bound.remove(kind);
        if (old != null) {
            old.forEach(c -> c.close().awaitUninterruptibly());
        }
    }

    /** {@code kind}'s listening sockets, one per address; empty when it is off. */
    synchronized List<Channel> get(Kind kind) {
        return bound.getOrDefault(kind, List.of());
    }

    /** The bound port of {@code kind} (the same on every address), or -1 when it is off. */
    synchronized int port(Kind kind) {
        List<Channel> channels = bound.get(kind);
        return channels == null ? -1 : ((InetSocketAddress) channels.get(0).localAddress()).getPort();
    }

    /** {@code 127.0.0.1:8443, [::1]:8443}: where the sockets listen, for logs. */
    static String describe(List<Channel> listeners) {
        return listeners.stream().map(c -> {
            InetSocketAddress a = (InetSocketAddress) c.localAddress();
            String host = a.getAddress().getHostAddress();
            return (a.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
        }).collect(Collectors.joining(", "));
    }

    /** {@link #describe(List)} for {@code kind}'s sockets. */
    synchronized String describe(Kind kind) {
        return describe(get(kind));
    }

    /** Stops accepting: every listener closes (the connections they accepted stay open). */
    synchronized void closeAll() {
        bound.values().forEach(l -> l.forEach(c -> c.close().awaitUninterruptibly()));
        bound.clear();
    }

    /** Shuts the event loops down (every connection still open with them); close the listeners first. */
    void shutdownLoops() {
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (acceptors != null) {
            acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
