package dev.gatehouse.stages;

import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;

/**
 * One request under {@code buffer_requests}: the whole body is read first (the first {@link BodyBuffers#MEMORY}
 * bytes in memory, the rest in a temp file written off the event loop), and only then is the rest of the chain begun,
 * so a slow client never holds an upstream connection. The chain then reads the body from here, at its own pace:
 * memory first, then the file a chunk at a time. A body over the bound gets 413 as soon as it is known.
 * Confined to the exchange's event loop (disk work is handed to {@link BodyBuffers} and its result handed back).
 */
final class BufferedBody implements RequestFlow {
    private static final Logger log = LoggerFactory.getLogger(BufferedBody.class);

    private final Exchange exchange;
    private final Handler next;
    private final long max;
    private final BodyBuffers buffers;
    private final EventExecutor loop;

    // Reading the body from the client.
    private final ArrayDeque<ByteBuf> memory = new ArrayDeque<>();
    private final ArrayDeque<ByteBuf> toWrite = new ArrayDeque<>();
    private long size;
    private boolean spilled;
    private boolean received;
    private HttpHeaders trailers;
    private FileChannel file;
    private boolean writing;
    private long fileBytes;

    // Handing it on.
    private RequestFlow flow;
    private long handedOn;
    private boolean wanted;
    private boolean pumping;
    private boolean reading;
    private boolean handedAll;

    private boolean ended;

    private BufferedBody(Exchange exchange, Handler next, long max, BodyBuffers buffers) {
        this.exchange = exchange;
        this.next = next;
        this.max = max;
        this.buffers = buffers;
        this.loop = exchange.ctx().executor();
    }

    /** Begins {@code exchange} under buffering: bodyless requests go straight on, others are read first. */
    static RequestFlow begin(Exchange exchange, Handler next, long max, BodyBuffers buffers) {
        var request = exchange.request();
        long length = HttpUtil.getContentLength(request, -1L);
        if (length == 0 || length < 0 && !HttpUtil.isTransferEncodingChunked(request)
                && !(exchange.ctx().channel() instanceof Http2StreamChannel)) {
            return next.begin(exchange); // no body to wait for (an HTTP/2 request may have one without a length)
        }
        if (length > max) {
            exchange.closeAfterResponse();
            exchange.cause("body-too-large");
            exchange.respondText(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, tooLarge(max));
            return DISCARD_BODY;
        }
        BufferedBody body = new BufferedBody(exchange, next, max, buffers);
        exchange.whenFinished(body::end);
        if (HttpUtil.is100ContinueExpected(request)) {
            // The client waits for this before it sends the body; the chain must not send it a second time.
            request.headers().remove(HttpHeaderNames.EXPECT);
            exchange.ctx().writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        exchange.readRequestBody();
        return body;
    }

    private static String tooLarge(long max) {
        return "413 Content Too Large: the body is larger than " + max + " bytes (buffer_requests)";
    }

    // ---- reading from the client

    @Override
    public void content(HttpContent content) {
        if (ended || received) {
            content.release();
            return;
        }
        ByteBuf bytes = content.content();
        size += bytes.readableBytes();
        if (size > max) {
            content.release();
            refuse();
            return;
        }
        if (content instanceof LastHttpContent last) {
            received = true;
            if (!last.trailingHeaders().isEmpty()) {
                trailers = last.trailingHeaders().copy();
            }
        }
        if (!bytes.isReadable()) {
            content.release();
        } else if (!spilled && size <= BodyBuffers.MEMORY) {
            memory.add(bytes); // ownership of the bytes moves here
        } else {
            toWrite.add(bytes);
            if (!spilled) {
                spilled = true;
                openFile();
            } else {
                writeNext();
            }
        }
        if (received) {
            if (spilled) {
                writeNext(); // hands on once the last write is done (now, if none is pending)
            } else {
                handOn();
            }
        }
    }

    @Override
    public void clientReadComplete() {
        if (flow != null) {
            flow.clientReadComplete();
        } else if (!ended && !received && !writing && toWrite.isEmpty() && (!spilled || file != null)) {
            exchange.readRequestBody(); // nothing waits for the disk: the next piece
        }
    }

    private void openFile() {
        buffers.execute(() -> {
            try {
                FileChannel ch = buffers.newFile();
                loop.execute(() -> fileOpened(ch));
            } catch (IOException e) {
                loop.execute(() -> diskFailed(e));
            }
        });
    }

    private void fileOpened(FileChannel ch) {
        file = ch;
        if (ended) {
            closeFile();
            return;
        }
        writeNext();
    }

    private void writeNext() {
        if (writing || file == null || ended) {
            return;
        }
        ByteBuf bytes = toWrite.poll();
        if (bytes == null) {
            if (received) {
                handOn();
            } else {
                exchange.readRequestBody();
            }
            return;
        }
        writing = true;
        FileChannel ch = file;
        long position = fileBytes;
        fileBytes += bytes.readableBytes();
        buffers.execute(() -> {
            try {
                ByteBuffer nio = bytes.nioBuffer();
                long at = position;
                while (nio.hasRemaining()) {
                    at += ch.write(nio, at);
                }
                loop.execute(this::written);
            } catch (IOException e) {
                loop.execute(() -> diskFailed(e));
            } finally {
                bytes.release();
            }
        });
    }

    private void written() {
        writing = false;
        writeNext();
    }

    private void diskFailed(IOException e) {
        if (ended) {
            return;
        }
        log.warn("site={} buffer_requests: the request body could not be written to {}: {}", exchange.site(),
                buffers.dir(), e.toString());
        end();
        if (flow == null && exchange.status() == 0) {
            exchange.closeAfterResponse();
            exchange.cause("body-buffer");
            exchange.respondText(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "500 Internal Server Error: the request body could not be buffered");
        } else {
            exchange.ctx().close();
        }
    }

    private void refuse() {
        end();
        exchange.closeAfterResponse();
        exchange.cause("body-too-large");
        exchange.respondText(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, tooLarge(max));
    }

    // ---- handing the body on

    /** The whole body is here: the chain begins, and its reads of the body are served from here. */
    private void handOn() {
        if (flow != null || ended) {
            return;
        }
        HttpHeaders headers = exchange.request().headers();
        if (trailers == null) {
            // Its length is known now: the upstream gets Content-Length, which servers without chunked uploads need.
            headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
            headers.set(HttpHeaderNames.CONTENT_LENGTH, size);
        }
        exchange.serveBodyReads(this::more);
        flow = next.begin(exchange);
        more(); // the first piece unasked, as a client's first read would bring it
    }

    private void more() {
        wanted = true;
        if (pumping) {
            return;
        }
        pumping = true;
        try {
            while (wanted && !reading && !handedAll && !ended) {
                wanted = false;
                handNext();
            }
        } finally {
            pumping = false;
        }
    }

    private void handNext() {
        ByteBuf bytes;
        boolean any = false;
        while ((bytes = memory.poll()) != null) {
            flow.content(new DefaultHttpContent(bytes));
            any = true;
        }
        if (handedOn < fileBytes) {
            if (any) {
                flow.clientReadComplete();
            } else {
                readChunk();
            }
            return;
        }
        last();
    }

    private void readChunk() {
        reading = true;
        int length = (int) Math.min(BodyBuffers.READ_CHUNK, fileBytes - handedOn);
        ByteBuf chunk = exchange.ctx().alloc().directBuffer(length);
        FileChannel ch = file;
        long position = handedOn;
        buffers.execute(() -> {
            try {
                ByteBuffer nio = chunk.nioBuffer(0, length);
                long at = position;
                while (nio.hasRemaining()) {
                    int n = ch.read(nio, at);
                    if (n < 0) {
                        throw new IOException("the temp file ended early");
                    }
                    at += n;
                }
                loop.execute(() -> chunkRead(chunk, length));
            } catch (IOException e) {
                chunk.release();
                loop.execute(() -> diskFailed(e));
            }
        });
    }

    private void chunkRead(ByteBuf chunk, int length) {
        reading = false;
        if (ended) {
            chunk.release();
            return;
        }
        chunk.writerIndex(length);
        handedOn += length;
        flow.content(new DefaultHttpContent(chunk));
        if (handedOn == fileBytes) {
            last();
        } else {
            flow.clientReadComplete();
        }
        more();
    }

    private void last() {
        handedAll = true;
        closeFile();
        flow.content(trailers == null ? LastHttpContent.EMPTY_LAST_CONTENT
                : new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers));
        flow.clientReadComplete();
    }

    // ---- the other events, and the end

    @Override
    public void clientWritable() {
        if (flow != null) {
            flow.clientWritable();
        }
    }

    @Override
    public void clientIdle() {
        if (flow != null && handedAll) {
            flow.clientIdle(); // while buffering, timeouts.client_body watches the client
        }
    }

    @Override
    public void clientClosed() {
        if (flow != null) {
            flow.clientClosed();
        } else if (!ended) {
            exchange.cause("client-closed");
            exchange.finish();
        }
        end();
    }

    @Override
    public void abort() {
        if (flow != null) {
            flow.abort();
        }
        end();
    }

    /** Lets go of everything held: memory, pending writes, the temp file (deleted as it closes). Idempotent. */
    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        ByteBuf b;
        while ((b = memory.poll()) != null) {
            b.release();
        }
        while ((b = toWrite.poll()) != null) {
            b.release();
        }
        closeFile();
    }

    private void closeFile() {
        FileChannel ch = file;
        file = null;
        if (ch != null) {
            buffers.execute(() -> {
                try {
                    ch.close();
                } catch (IOException e) {
                    log.debug("closing a request body's temp file: {}", e.toString());
                }
            });
        }
    }
}
