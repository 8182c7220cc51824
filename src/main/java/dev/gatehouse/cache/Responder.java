package dev.gatehouse.cache;

import dev.gatehouse.http.Exchange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.IllegalReferenceCountException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes answers made from stored responses: as the exchange's whole response (a hit), or as messages handed to a
 * response filter (after a revalidation, or instead of an error). Memory bodies go out as slices of the stored
 * buffer, never copied; disk bodies with {@code sendfile} on plain HTTP/1.1 connections, else read a chunk at a time
 * as the connection takes them.
 */
final class Responder {
    private static final Logger log = LoggerFactory.getLogger(Responder.class);
    /** One TLS record's worth of plaintext (RFC 8446 §5.1). */
    private static final int CHUNK = 16 * 1024;
    /** Set by the stage chain on a connection where a response filter ever ran (see http.ResponseFilterHandler). */
    private static final String RESPONSE_FILTERS = "response-filters";

    private Responder() {
    }

    /**
     * Answers the exchange from {@code stored}; false, with nothing written, when its body has gone meanwhile
     * (evicted from memory, deleted from disk): the caller then forwards the request.
     */
    static boolean serve(Exchange exchange, StoredResponse stored, CacheStatus status, long now) {
        Answer a = Answer.of(stored, exchange.request(), now, status);
        HttpResponse head = a.head();
        ChannelHandlerContext ctx = exchange.ctx();
        if (stored.body instanceof Body.File f && a.length() > 0) {
            return serveFile(exchange, head, f, a);
        }
        ByteBuf body = Unpooled.EMPTY_BUFFER;
        if (a.length() > 0) {
            try {
                body = ((Body.Memory) stored.body).content().retainedSlice((int) a.offset(), (int) a.length());
            } catch (IllegalReferenceCountException e) {
                return false;
            }
        }
        FullHttpResponse full = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, head.status(), body, head.headers(),
                EmptyHttpHeaders.INSTANCE);
        exchange.status(head.status().code());
        exchange.markUpstreamResponse(); // a stored upstream answer: response_headers' only: upstream applies
        exchange.applyKeepAlive(full);
        exchange.addBytesOut(a.length());
        ctx.writeAndFlush(full).addListener(f -> done(exchange, f.isSuccess()));
        return true;
    }

    private static boolean serveFile(Exchange exchange, HttpResponse head, Body.File f, Answer a) {
        FileChannel file;
        try {
            file = FileChannel.open(f.path(), StandardOpenOption.READ);
        } catch (IOException e) {
            return false; // evicted and deleted since the lookup
        }
        ChannelHandlerContext ctx = exchange.ctx();
        exchange.status(head.status().code());
        exchange.markUpstreamResponse();
        exchange.applyKeepAlive(head);
        exchange.addBytesOut(a.length());
        long offset = f.offset() + a.offset();
        ChannelFuture last;
        if (zeroCopy(ctx)) {
            ctx.write(head);
            ctx.write(new DefaultFileRegion(file, offset, a.length())); // closes the file when written
            last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        } else {
            ChannelPipeline pipeline = ctx.pipeline();
            if (pipeline.get(ChunkedWriteHandler.class) == null) {
                pipeline.addBefore(ctx.name(), "chunked-writer", new ChunkedWriteHandler());
            }
            ctx.write(head);
            try {
                last = ctx.writeAndFlush(new HttpChunkedInput(new ChunkedNioFile(file, offset, a.length(), CHUNK)));
            } catch (IOException e) {
                close(file);
                ctx.close();
                exchange.finish();
                return true;
            }
        }
        last.addListener(done -> {
            close(file);
            done(exchange, done.isSuccess());
        });
        return true;
    }

    /**
     * {@code sendfile} writes bytes the pipeline never sees: only on a plain HTTP/1.1 connection, and only where no
     * response filter runs (a filter must see every body byte).
     */
    private static boolean zeroCopy(ChannelHandlerContext ctx) {
        ChannelPipeline p = ctx.pipeline();
        return !(ctx.channel() instanceof Http2StreamChannel) && p.get(SslHandler.class) == null
                && p.get(RESPONSE_FILTERS) == null && p.get(ChunkedWriteHandler.class) == null;
    }

    private static void done(Exchange exchange, boolean written) {
        if (!written) {
            exchange.cause("client-write");
            exchange.closeAfterResponse();
            exchange.ctx().close();
        }
        exchange.finish();
    }

    /**
     * Hands an answer from {@code stored} to {@code out} as messages (inside a response filter): the head, then the
     * whole body in one last piece. A disk body is read into memory here: this path is taken once per revalidation or
     * origin error, not per hit.
     */
    static boolean emit(Answer a, StoredResponse stored, Consumer<HttpObject> out) {
        ByteBuf body = Unpooled.EMPTY_BUFFER;
        if (a.length() > 0) {
            try {
                body = bodyOf(stored, a.offset(), a.length());
            } catch (IllegalStateException e) {
                return false; // gone meanwhile: the caller passes the origin's answer on instead
            }
        }
        out.accept(a.head());
        out.accept(new DefaultLastHttpContent(body));
        return true;
    }

    private static ByteBuf bodyOf(StoredResponse stored, long offset, long length) {
        if (stored.body instanceof Body.Memory m) {
            try {
                return m.content().retainedSlice((int) offset, (int) length);
            } catch (IllegalReferenceCountException e) {
                throw new IllegalStateException("stored body freed", e);
            }
        }
        Body.File f = (Body.File) stored.body;
        ByteBuf buf = Unpooled.directBuffer((int) length);
        try (FileChannel ch = FileChannel.open(f.path(), StandardOpenOption.READ)) {
            ByteBuffer nio = buf.nioBuffer(0, (int) length);
            long at = f.offset() + offset;
            while (nio.hasRemaining()) {
                int n = ch.read(nio, at + nio.position());
                if (n < 0) {
                    throw new IOException("file shorter than stored");
                }
            }
            buf.writerIndex((int) length);
            return buf;
        } catch (IOException e) {
            buf.release();
            throw new IllegalStateException("stored body unreadable: " + e.getMessage(), e);
        }
    }

    /** A body piece for a waiter, as the message type its position calls for. */
    static HttpObject piece(ByteBuf data, boolean last) {
        return last ? new DefaultLastHttpContent(data) : new DefaultHttpContent(data);
    }

    private static void close(FileChannel file) {
        try {
            file.close();
        } catch (IOException e) {
            log.debug("cache file close failed: {}", e.toString());
        }
    }
}
