package dev.gatehouse.compression;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.ByteBuffer;

/**
 * zstd through zstd-jni's streaming context. Not Netty's {@code ZstdEncoder}: that one compresses each written
 * piece as a frame of its own, with no window shared between pieces, and a body arrives in pieces of 16 KiB or
 * less (a proxied one in pieces as small as the upstream's writes); one stream keeps its window across pieces and
 * flushes. Measured on a 64 KiB HTML table at level 3: the same size in 16 KiB pieces, 8% smaller in 2 KiB pieces
 * (12,225 bytes against 13,181). Native memory per body: the window
 * ({@link #WINDOW_LOG}) plus one 128 KiB block and the level's tables, about 1.5 MiB at level 3 (measured as the
 * resident size of 100 contexts).
 */
final class ZstdEncoder implements BodyEncoder {
    /** 2^18 = 256 KiB: a bounded window per stream (zstd's level 3 would take 2 MiB for a body of unknown size). */
    static final int WINDOW_LOG = 18;
    private static final int MIN_OUTPUT = 1024;
    /** The input of a flush or an end; zero capacity, so sharing it between threads changes nothing. */
    private static final ByteBuffer NO_INPUT = ByteBuffer.allocateDirect(0);

    private final ZstdCompressCtx ctx;
    private final ByteBufAllocator alloc;
    private boolean closed;

    ZstdEncoder(int level, ByteBufAllocator alloc) {
        this.alloc = alloc;
        this.ctx = new ZstdCompressCtx();
        ctx.setLevel(level);
        ctx.setWindowLog(WINDOW_LOG);
    }

    @Override
    public ByteBuf encode(ByteBuf in) {
        return run(in, EndDirective.CONTINUE);
    }

    @Override
    public ByteBuf flush() {
        return run(null, EndDirective.FLUSH);
    }

    @Override
    public ByteBuf finish() {
        try {
            return run(null, EndDirective.END);
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            ctx.close();
        }
    }

    private ByteBuf run(ByteBuf in, EndDirective op) {
        int length = in == null ? 0 : in.readableBytes();
        // zstd reads from and writes to native memory only: a heap or composite piece is copied first
        ByteBuf copy = null;
        ByteBuffer src;
        if (in == null) {
            src = NO_INPUT;
        } else if (in.isDirect() && in.nioBufferCount() == 1) {
            src = in.nioBuffer();
        } else {
            copy = alloc.directBuffer(length);
            copy.writeBytes(in, in.readerIndex(), length);
            src = copy.nioBuffer();
        }
        ByteBuf out = alloc.directBuffer(Math.max(MIN_OUTPUT, length + (length >>> 7) + 64));
        try {
            while (true) {
                ByteBuffer dst = out.nioBuffer(out.writerIndex(), out.writableBytes());
                boolean done = ctx.compressDirectByteBufferStream(dst, src, op);
                out.writerIndex(out.writerIndex() + dst.position());
                if (op == EndDirective.CONTINUE ? !src.hasRemaining() : done) {
                    return out;
                }
                out.ensureWritable(Math.max(MIN_OUTPUT, out.capacity()));
            }
        } catch (RuntimeException e) {
            out.release();
            throw e;
        } finally {
            if (copy != null) {
                copy.release();
            }
        }
    }
}
