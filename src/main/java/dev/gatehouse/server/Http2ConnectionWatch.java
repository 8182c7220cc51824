package dev.gatehouse.server;

import dev.gatehouse.http.Deadline;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The clocks and the end of an HTTP/2 connection; sits before the frame codec and sees raw bytes.
 * <ul>
 *   <li>no stream open for the idle timeout (pings do not count): closed with GOAWAY;</li>
 *   <li>streams open but nothing received for the idle timeout: each stream's handler is told, and judges as on
 *       HTTP/1.1 (a proxied download the client stopped taking is cut, a response in progress goes on);</li>
 *   <li>{@link #drain()}: GOAWAY now, the streams in flight finish, then the connection closes.</li>
 * </ul>
 * Confined to the connection's event loop, as are its streams' child channels.
 */
final class Http2ConnectionWatch extends ChannelInboundHandlerAdapter {
    private final long idleMillis;
    private final Set<StreamHandler> streams = new LinkedHashSet<>();
    private ChannelHandlerContext ctx;
    private Deadline deadline;

    Http2ConnectionWatch(Duration idle) {
        this.idleMillis = idle.toMillis();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.deadline = new Deadline(ctx.executor(), this::expired);
        deadline.arm(idleMillis);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!streams.isEmpty()) {
            deadline.arm(idleMillis); // traffic while streams are open: the idle clock starts over
        }
        ctx.fireChannelRead(msg);
    }

    void streamOpened(StreamHandler stream) {
        streams.add(stream);
        deadline.arm(idleMillis);
    }

    void streamClosed(StreamHandler stream) {
        if (streams.remove(stream) && streams.isEmpty()) {
            deadline.arm(idleMillis);
        }
    }

    /**
     * Shutdown: GOAWAY with the last stream taken, so that the client retries later ones elsewhere; the codec
     * closes the connection once the streams in flight are done (or the shutdown grace is over).
     */
    void drain() {
        // From the tail, so that the close passes through the codec, which turns it into a graceful GOAWAY.
        ctx.channel().close();
    }

    private void expired() {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (streams.isEmpty()) {
            ctx.channel().close();
            return;
        }
        deadline.arm(idleMillis);
        for (StreamHandler stream : new ArrayList<>(streams)) {
            stream.clientIdle();
        }
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
}
