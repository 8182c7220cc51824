package dev.gatehouse.compression;

import dev.gatehouse.config.Compress.Algorithm;
import dev.gatehouse.http.ResponseFilter;
import dev.gatehouse.http.ResponseOutput;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.ArrayDeque;

/**
 * Compresses one response with the coding its request negotiated, when the response qualifies
 * ({@link CompressPolicy#judge}); otherwise passes it on untouched. A body without Content-Length is held until
 * min_size bytes of it (at most {@link CompressPolicy#MAX_HOLD}) have come, or its end: a shorter one goes out as it
 * was. Each piece is encoded and written on as it comes, so memory stays bounded by the encoder's window, and the
 * producer's backpressure (it pauses while the client connection is not writable) works as without compression.
 * The producer's flushes flush the encoder for bodies without Content-Length only (streams such as server-sent
 * events), not for documents of known length.
 */
final class CompressFilter implements ResponseFilter {
    private enum State { HEAD, HOLDING, ENCODING, PASSING }

    private final CompressPolicy policy;
    private final Algorithm coding;
    private final Channel client;
    private State state = State.HEAD;
    private HttpResponse heldHead;
    private ArrayDeque<HttpContent> held;
    private long heldBytes;
    private BodyEncoder encoder;
    /** The body has no Content-Length, so it may be a stream read as it comes: the producer's flushes count. */
    private boolean streaming;

    CompressFilter(CompressPolicy policy, Algorithm coding, Channel client) {
        this.policy = policy;
        this.coding = coding;
        this.client = client;
    }

    @Override
    public void head(HttpResponse head, ResponseOutput out) {
        switch (policy.judge(head)) {
            case YES -> start(head, out);
            case IF_LONG -> {
                streaming = true;
                heldHead = head;
                held = new ArrayDeque<>(4);
                state = State.HOLDING;
            }
            case NOT_MODIFIED -> {
                CompressPolicy.weakenEtag(head.headers());
                CompressPolicy.addVary(head.headers());
                state = State.PASSING;
                out.write(head);
            }
            case NO -> {
                state = State.PASSING;
                out.write(head);
            }
        }
    }

    @Override
    public void content(HttpContent content, ResponseOutput out) {
        switch (state) {
            case ENCODING -> encode(content, out);
            case HOLDING -> hold(content, out);
            default -> out.write(content);
        }
    }

    @Override
    public void flush(ResponseOutput out) {
        // While holding, a flush changes nothing: what is held is not enough to decide on yet. A body of known
        // length is a document, not a stream: its encoder emits whole blocks (cheaper, and a better ratio) and the
        // end comes with its last piece.
        if (state == State.ENCODING && streaming) {
            write(encoder.flush(), out);
        }
    }

    @Override
    public void abandoned() {
        releaseHeld();
        if (encoder != null) {
            encoder.close();
            encoder = null;
        }
    }

    private void hold(HttpContent content, ResponseOutput out) {
        held.add(content);
        heldBytes += content.content().readableBytes();
        boolean last = content instanceof LastHttpContent;
        if (heldBytes >= policy.holdLimit()) {
            start(heldHead, out);
            heldHead = null;
            while (!held.isEmpty()) {
                encode(held.poll(), out);
            }
        } else if (last) {
            // The whole body is shorter than min_size: it goes out as it came.
            state = State.PASSING;
            out.write(heldHead);
            heldHead = null;
            while (!held.isEmpty()) {
                out.write(held.poll());
            }
        }
    }

    private void start(HttpResponse head, ResponseOutput out) {
        encoder = Codecs.encoder(coding, policy.level(coding), client);
        state = State.ENCODING;
        CompressPolicy.compressed(head, coding);
        out.write(head);
    }

    private void encode(HttpContent content, ResponseOutput out) {
        try {
            ByteBuf coded = content.content().isReadable() ? encoder.encode(content.content()) : null;
            if (content instanceof LastHttpContent last) {
                ByteBuf end = encoder.finish();
                encoder = null;
                state = State.PASSING;
                out.write(new DefaultLastHttpContent(join(coded, end), last.trailingHeaders()));
            } else if (coded != null) {
                write(coded, out);
            }
        } catch (RuntimeException e) {
            abandoned();
            throw e;
        } finally {
            content.release();
        }
    }

    private static void write(ByteBuf coded, ResponseOutput out) {
        if (coded.isReadable()) {
            out.write(new DefaultHttpContent(coded));
        } else {
            coded.release();
        }
    }

    private ByteBuf join(ByteBuf a, ByteBuf b) {
        if (a == null || !a.isReadable()) {
            if (a != null) {
                a.release();
            }
            return b;
        }
        if (!b.isReadable()) {
            b.release();
            return a;
        }
        CompositeByteBuf both = client.alloc().compositeBuffer(2);
        return both.addComponents(true, a, b);
    }

    private void releaseHeld() {
        if (held != null) {
            HttpContent c;
            while ((c = held.poll()) != null) {
                c.release();
            }
        }
        heldHead = null;
    }
}
