package dev.gatehouse.compression;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Runs one of Netty's compression handlers (its gzip and Brotli encoders) over a body, as Netty's own
 * {@code HttpContentCompressor} does: in an embedded channel that shares the client channel's allocator. These
 * encoders flush what they took after every piece, so each piece's output can be sent at once.
 */
final class ChannelEncoder implements BodyEncoder {
    private final EmbeddedChannel channel;
    private boolean closed;

    ChannelEncoder(ChannelHandler encoder, Channel client) {
        this.channel = new EmbeddedChannel(client.id(), false, client.config(), encoder);
    }

    @Override
    public ByteBuf encode(ByteBuf in) {
        channel.writeOutbound(in.retainedDuplicate());
        return drain();
    }

    @Override
    public ByteBuf flush() {
        channel.flushOutbound();
        return drain();
    }

    @Override
    public ByteBuf finish() {
        closed = true;
        channel.finish(); // closing makes the encoder write its end (the gzip trailer, Brotli's last block)
        return drain();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            channel.finishAndReleaseAll();
        }
    }

    /** What the encoder wrote, as one buffer. */
    private ByteBuf drain() {
        ByteBuf first = null;
        CompositeByteBuf all = null;
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            if (!b.isReadable()) {
                b.release();
            } else if (first == null) {
                first = b;
            } else {
                if (all == null) {
                    all = channel.alloc().compositeBuffer(16);
                    all.addComponent(true, first);
                }
                all.addComponent(true, b);
            }
        }
        return all != null ? all : first != null ? first : Unpooled.EMPTY_BUFFER;
    }
}
