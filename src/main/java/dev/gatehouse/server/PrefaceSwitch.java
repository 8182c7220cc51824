package dev.gatehouse.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * On a plain listener with {@code h2c: true}: cleartext HTTP/2 with prior knowledge (RFC 9113 §3.3). A connection
 * whose first bytes are the HTTP/2 connection preface gets the HTTP/2 pipeline, any other the HTTP/1.1 one; the
 * bytes read so far go on to the chosen codec. {@code Upgrade: h2c} is never honoured (the HTTP/1.1 side refuses
 * and strips it).
 */
final class PrefaceSwitch extends ByteToMessageDecoder {
    /** RFC 9113 §3.4. */
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ServerState state;

    PrefaceSwitch(ServerState state) {
        this.state = state;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (state.admit(ctx)) {
            super.channelActive(ctx);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), PREFACE.length);
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != PREFACE[i]) {
                HttpInitializer.http1(ctx.channel(), state, false);
                done(ctx);
                return;
            }
        }
        if (n == PREFACE.length) {
            Http2Pipeline.install(ctx.channel(), state, false);
            done(ctx);
        } else {
            ctx.read(); // a prefix of the preface so far
        }
    }

    /** Until the protocol is chosen this is the pipeline's last handler: a client that resets ends here. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        state.clientErrors().exceptionCaught(ctx, cause);
    }

    /** Leaves the pipeline; the decoder hands its buffered bytes to the codec now after it. */
    private void done(ChannelHandlerContext ctx) {
        ctx.pipeline().remove(this);
        ctx.channel().read();
    }
}
