package dev.gatehouse.http;

import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs an exchange's {@link ResponseFilter}s over what its handlers write to the client. Put on a connection (or an
 * HTTP/2 stream) by the first exchange that registers a filter, just before the exchange's handler and any chunked
 * writer (so file chunks pass through it too); between exchanges, and for exchanges without filters, it passes
 * every write straight on. Routes without filters never put it on a connection.
 *
 * <p>Each write is run through the filters (innermost stage's first) and whatever they emit is written on; the
 * write's promise goes with the last message emitted, or succeeds at once when the filters held everything back. A
 * head and a last content emitted in one go are written as one {@code FullHttpResponse}, so an HTTP/2 client still
 * gets a single HEADERS frame for a response without a body.
 */
final class ResponseFilterHandler extends ChannelOutboundHandlerAdapter {
    static final String NAME = "response-filters";

    private ChannelHandlerContext ctx;
    private Chain current;
    /** An interim (1xx) head went by: its (empty) end passes too, unfiltered. */
    private boolean interim;
    /** During one write: the last message the filters emitted, not written yet (it may take the write's promise). */
    private HttpObject held;
    private long emittedBytes;

    /** The filter chain of {@code exchange}, whose writes go through {@code exchangeCtx}; installs the handler. */
    static Chain attach(Exchange exchange, ChannelHandlerContext exchangeCtx) {
        ChannelPipeline pipeline = exchangeCtx.pipeline();
        ResponseFilterHandler handler = pipeline.get(ResponseFilterHandler.class);
        if (handler == null) {
            ChannelHandlerContext chunked = pipeline.context(ChunkedWriteHandler.class);
            handler = new ResponseFilterHandler();
            pipeline.addBefore(chunked != null ? chunked.name() : exchangeCtx.name(), NAME, handler);
        }
        Chain chain = new Chain(handler, exchange);
        handler.current = chain;
        handler.interim = false;
        return chain;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        Chain chain = current;
        if (chain == null || !(msg instanceof HttpObject http) || passesUnfiltered(http)) {
            ctx.write(msg, promise);
            return;
        }
        long consumed = bytes(msg);
        emittedBytes = 0;
        boolean ends = msg instanceof LastHttpContent;
        try {
            chain.entry().write(http);
        } catch (RuntimeException | Error e) {
            ReferenceCountUtil.release(held);
            held = null;
            current = null;
            throw e;
        }
        writeHeld(promise);
        chain.exchange.addBytesOut(emittedBytes - consumed);
        if (ends) {
            current = null; // the response is complete: the filters are done
        }
    }

    /** Interim responses (100 Continue, a 101 before its tunnel) are not the response the filters are for. */
    private boolean passesUnfiltered(HttpObject msg) {
        if (msg instanceof HttpResponse head && head.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            interim = !(msg instanceof LastHttpContent);
            return true;
        }
        if (interim) {
            interim = !(msg instanceof LastHttpContent);
            return true;
        }
        return false;
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        Chain chain = current;
        if (chain != null && !interim) {
            emittedBytes = 0;
            chain.flush();
            writeHeld(ctx.voidPromise());
            chain.exchange.addBytesOut(emittedBytes);
        }
        ctx.flush();
    }

    /** Where the outermost filter writes. */
    private void emit(HttpObject msg) {
        emittedBytes += bytes(msg);
        if (held instanceof HttpResponse head && !(held instanceof FullHttpResponse)
                && msg instanceof LastHttpContent last && !(msg instanceof HttpResponse)) {
            held = new DefaultFullHttpResponse(head.protocolVersion(), head.status(), last.content(), head.headers(),
                    last.trailingHeaders());
            return;
        }
        if (held != null) {
            ctx.write(held, ctx.voidPromise());
        }
        held = msg;
    }

    private void writeHeld(ChannelPromise promise) {
        HttpObject msg = held;
        held = null;
        if (msg != null) {
            ctx.write(msg, promise);
        } else {
            promise.trySuccess();
        }
    }

    private static long bytes(Object msg) {
        return msg instanceof ByteBufHolder h ? h.content().readableBytes() : 0;
    }

    /** One exchange's filters, in the order its stages registered them (outermost first). */
    static final class Chain {
        private final ResponseFilterHandler handler;
        private final Exchange exchange;
        private final List<ResponseFilter> filters = new ArrayList<>(2);
        private ResponseOutput entry;

        private Chain(ResponseFilterHandler handler, Exchange exchange) {
            this.handler = handler;
            this.exchange = exchange;
        }

        void add(ResponseFilter filter) {
            if (entry != null) {
                throw new IllegalStateException("a response filter was added after the response had started");
            }
            filters.add(filter);
        }

        /** The exchange is over: filters of a response that never completed let go of what they hold. */
        void end() {
            if (handler.current == this) {
                handler.current = null;
                for (ResponseFilter f : filters) {
                    f.abandoned();
                }
            }
        }

        /** Writes into the innermost filter; each filter's output is the next filter out, the last one's the wire. */
        private ResponseOutput entry() {
            if (entry == null) {
                ResponseOutput out = handler::emit;
                for (ResponseFilter f : filters) {
                    out = new Link(f, out);
                }
                entry = out;
            }
            return entry;
        }

        private void flush() {
            ResponseOutput out = entry();
            while (out instanceof Link link) {
                link.filter.flush(link.next);
                out = link.next;
            }
        }
    }

    /**
     * Hands a message to one filter, telling it where to write. A whole response (from the action, or written by an
     * inner filter) is handed over as its head and then its body, so that filters meet one shape only.
     */
    private record Link(ResponseFilter filter, ResponseOutput next) implements ResponseOutput {
        @Override
        public void write(HttpObject msg) {
            if (msg instanceof FullHttpResponse full) {
                filter.head(new DefaultHttpResponse(full.protocolVersion(), full.status(), full.headers()), next);
                filter.content(new DefaultLastHttpContent(full.content(), full.trailingHeaders()), next);
            } else if (msg instanceof HttpResponse head) {
                filter.head(head, next);
            } else if (msg instanceof HttpContent content) {
                filter.content(content, next);
            } else {
                next.write(msg);
            }
        }
    }
}
