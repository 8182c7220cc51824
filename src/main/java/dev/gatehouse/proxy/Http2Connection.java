package dev.gatehouse.proxy;

import dev.gatehouse.http.Deadline;
import dev.gatehouse.tls.SslContexts;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

import javax.net.ssl.SSLHandshakeException;
import java.nio.channels.ClosedChannelException;

/**
 * One HTTP/2 connection to an upstream target, the last handler of its pipeline. It becomes usable once the
 * upstream's first SETTINGS frame has arrived (so its SETTINGS_MAX_CONCURRENT_STREAMS is known), takes no new
 * streams after a GOAWAY, and closes when it has had no stream for the idle timeout. Confined to its event loop.
 */
final class Http2Connection extends ChannelInboundHandlerAdapter {

    /** What the connection tells its {@link Http2Connections.TargetConnections}. */
    interface Owner {
        void ready(Http2Connection connection);

        void slotFreed(Http2Connection connection);

        void closed(Http2Connection connection, Throwable cause);
    }

    private final Owner owner;
    private final long idleMillis;
    private final long settingsMillis;
    private Channel channel;
    private Http2FrameCodec codec;
    private Deadline deadline;
    private boolean ready;
    private boolean goingAway;
    private boolean closed;
    private int streams;
    private Throwable failure;

    /**
     * @param idleMillis     how long it stays open without a stream
     * @param settingsMillis how long the upstream may take for its TLS handshake and first SETTINGS frame
     */
    Http2Connection(Owner owner, long idleMillis, long settingsMillis) {
        this.owner = owner;
        this.idleMillis = idleMillis;
        this.settingsMillis = settingsMillis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        codec = ctx.pipeline().get(Http2FrameCodec.class);
        deadline = new Deadline(ctx.executor(), this::expired);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        deadline.arm(settingsMillis);
        ctx.fireChannelActive();
    }

    private void expired() {
        if (!ready) {
            failure = new ConnectTimeoutException("no HTTP/2 SETTINGS from the upstream within " + settingsMillis + "ms");
            channel.close();
        } else if (streams == 0) {
            channel.close(); // idle
        }
    }

    /** Whether another stream may be opened now. */
    boolean hasRoom() {
        return ready && !goingAway && !closed && channel.isActive()
                && streams < codec.connection().local().maxActiveStreams();
    }

    /** Still being set up (TCP, TLS, SETTINGS). */
    boolean connecting() {
        return !ready && !closed;
    }

    /** Usable now or soon: not closed and not going away. */
    boolean live() {
        return !closed && !goingAway;
    }

    /** Whether the upstream's SETTINGS ever arrived (false: the connection failed while being set up). */
    boolean becameReady() {
        return ready;
    }

    int streams() {
        return streams;
    }

    Channel channel() {
        return channel;
    }

    /** Opens a stream whose child channel is set up by {@code init}; only when {@link #hasRoom()}. */
    Future<Http2StreamChannel> openStream(ChannelHandler init) {
        streams++;
        deadline.disarm();
        Future<Http2StreamChannel> f = new Http2StreamChannelBootstrap(channel)
                .option(ChannelOption.AUTO_READ, false) // reads are driven by ProxyFlow, as on HTTP/1.1
                .handler(init)
                .open();
        f.addListener(done -> {
            if (done.isSuccess()) {
                f.getNow().closeFuture().addListener(c -> streamClosed());
            } else {
                streamClosed();
            }
        });
        return f;
    }

    private void streamClosed() {
        streams--;
        if (streams == 0) {
            if (goingAway) {
                channel.close();
                return;
            }
            deadline.arm(idleMillis);
        }
        owner.slotFreed(this);
    }

    /** The connection could not be made: the bootstrap's connect failed. */
    void connectFailed(Throwable cause) {
        failure = cause;
        markClosed();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent hs) {
            if (!hs.isSuccess()) {
                failure = hs.cause();
            } else {
                String alpn = ctx.pipeline().get(SslHandler.class).applicationProtocol();
                if (!SslContexts.H2.equals(alpn)) {
                    failure = new SSLHandshakeException("the upstream did not agree to HTTP/2 (ALPN h2), it chose "
                            + (alpn == null ? "nothing" : alpn) + " (expected: an upstream that speaks h2 over TLS, "
                            + "or protocol: http1)");
                    ctx.close();
                }
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2SettingsFrame && !ready) {
                ready = true;
                deadline.arm(idleMillis);
                owner.ready(this);
            } else if (msg instanceof Http2GoAwayFrame) {
                // RFC 9113 §6.8: no new streams; those at or below last-stream-id finish, those above were refused
                // (their child channels learn it from the GOAWAY the multiplexer hands them).
                goingAway = true;
                if (streams == 0) {
                    ctx.close();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        markClosed();
        ctx.fireChannelInactive();
    }

    private void markClosed() {
        if (closed) {
            return;
        }
        closed = true;
        if (deadline != null) {
            deadline.cancel();
        }
        owner.closed(this, failure != null ? failure : new ClosedChannelException());
    }
}
