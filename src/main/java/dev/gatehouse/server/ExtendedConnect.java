package dev.gatehouse.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * WebSocket over HTTP/2 (RFC 8441) on one stream, first in the stream's pipeline, working on frames. An extended
 * CONNECT ({@code :method CONNECT}, {@code :protocol websocket}) becomes the HTTP/1.1 opening handshake the rest of
 * Gatehouse already proxies: a {@code GET} of the same path with {@code Upgrade: websocket}, a generated
 * {@code Sec-WebSocket-Key} (the HTTP/2 side has none, RFC 8441 §5) and {@code Sec-WebSocket-Version: 13}; routes,
 * policies and the access log see that GET. The upstream's 101 goes out as {@code :status 200} (its
 * {@code Sec-WebSocket-Accept} checked against the key, then dropped); from then on DATA frames carry the bytes of the
 * upstream's TCP stream both ways: client DATA in as plain buffers, buffers out as DATA, END_STREAM in as a half-close
 * ({@link ChannelInputShutdownEvent}), a close out as END_STREAM.
 *
 * <p>Plain CONNECT and other {@code :protocol}s are answered 501 here: Gatehouse is no forward proxy.
 */
final class ExtendedConnect extends ChannelDuplexHandler {
    static final String WEBSOCKET = "websocket";
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom RANDOM = new SecureRandom();

    private boolean headSeen;
    private boolean tunnel;
    private String key;
    private boolean responseHeadSeen;
    private boolean switched;
    private boolean dropEmptyEnd;
    private boolean refused;
    private boolean clientEnded;
    private boolean endSent;

    /**
     * The HTTP side, after the frame-to-HTTP conversion (which drops connection-specific headers, RFC 9113
     * §8.2.2): the request of an extended CONNECT gets its {@code Upgrade: websocket} and {@code Connection: upgrade}.
     */
    ChannelInboundHandlerAdapter upgradeHeaders() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (tunnel && !switched && msg instanceof HttpRequest request) {
                    request.headers().set(HttpHeaderNames.UPGRADE, WEBSOCKET)
                            .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    /** Whether this stream asked for a WebSocket and the upstream agreed (the 101 seen): bytes flow from now. */
    boolean switched() {
        return switched;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!headSeen && msg instanceof Http2HeadersFrame head) {
            headSeen = true;
            Http2Headers h = head.headers();
            if (h.method() != null && HttpMethod.CONNECT.asciiName().contentEqualsIgnoreCase(h.method())) {
                msg = connect(ctx, head);
                if (msg == null) {
                    return;
                }
            }
        } else if (switched && msg instanceof Http2DataFrame data) {
            ByteBuf content = data.content();
            if (content.isReadable()) {
                ctx.fireChannelRead(content);
            } else {
                content.release();
            }
            if (data.isEndStream()) {
                clientEnded = true;
                ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** The GET that the rest of the pipeline sees for an extended CONNECT, or null when answered here. */
    private Object connect(ChannelHandlerContext ctx, Http2HeadersFrame head) {
        Http2Headers h = head.headers();
        CharSequence protocol = h.get(Http2Headers.PseudoHeaderName.PROTOCOL.value());
        if (protocol == null || !WEBSOCKET.equalsIgnoreCase(protocol.toString())) {
            ReferenceCountUtil.release(head);
            refuse(ctx, HttpResponseStatus.NOT_IMPLEMENTED, protocol == null
                    ? "501 Not Implemented: CONNECT is not supported (Gatehouse is no forward proxy)"
                    : "501 Not Implemented: extended CONNECT supports only :protocol websocket, not \""
                    + protocol + "\"");
            return null;
        }
        tunnel = true;
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        key = Base64.getEncoder().encodeToString(nonce);
        h.method(HttpMethod.GET.asciiName());
        h.remove(Http2Headers.PseudoHeaderName.PROTOCOL.value());
        h.set("sec-websocket-key", key);
        h.set("sec-websocket-version", "13");
        // The opening request has no body, while the stream stays open for the tunnel: to the HTTP layer the request
        // is complete (no body reads), the stream's DATA are read by the tunnel once the upstream agreed.
        return new DefaultHttp2HeadersFrame(h, true).stream(head.stream());
    }

    private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String text) {
        Http2Headers headers = new DefaultHttp2Headers().status(status.codeAsText())
                .set("content-type", "text/plain; charset=utf-8")
                .set("date", HttpDate.now());
        ByteBuf body = Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8);
        ctx.write(new DefaultHttp2HeadersFrame(headers, false));
        // The client's side stays open: RST_STREAM NO_ERROR once the answer is out (RFC 9113 §8.1).
        ctx.writeAndFlush(new DefaultHttp2DataFrame(body, true)).addListener(f -> {
            if (ctx.channel().isActive()) {
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
            }
        });
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!tunnel) {
            ctx.write(msg, promise);
            return;
        }
        if (refused) {
            ReferenceCountUtil.release(msg);
            promise.setSuccess();
            return;
        }
        if (!responseHeadSeen && msg instanceof Http2HeadersFrame head) {
            responseHeadSeen = true;
            responseHead(ctx, head, promise);
            return;
        }
        if (dropEmptyEnd && msg instanceof Http2DataFrame data && data.isEndStream()
                && !data.content().isReadable()) {
            dropEmptyEnd = false; // the end of the 101 response: the stream goes on with the tunnel's bytes
            data.release();
            promise.setSuccess();
            return;
        }
        if (!switched && endsStream(msg)) {
            // An answer without a switch: the client's side of the stream is still open, and the HTTP layer took the
            // request as complete; RST_STREAM NO_ERROR once the answer is out ends it (RFC 9113 §8.1).
            ChannelPromise p = promise.isVoid() ? ctx.newPromise() : promise;
            p.addListener(f -> {
                if (!clientEnded && ctx.channel().isActive()) {
                    ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
                }
            });
            ctx.write(msg, p);
            return;
        }
        if (switched && msg instanceof ByteBuf buf) {
            if (!buf.isReadable()) {
                buf.release();
                promise.setSuccess();
            } else {
                ctx.write(new DefaultHttp2DataFrame(buf), promise);
            }
            return;
        }
        ctx.write(msg, promise);
    }

    private void responseHead(ChannelHandlerContext ctx, Http2HeadersFrame head, ChannelPromise promise) {
        Http2Headers h = head.headers();
        int code = h.status() == null ? 0 : Integer.parseInt(h.status().toString());
        if (code == 101) {
            CharSequence accept = h.get("sec-websocket-accept");
            h.remove("sec-websocket-accept");
            if (accept == null || !expectedAccept(key).equals(accept.toString().trim())) {
                // The upstream answered with a switch that is not to WebSocket for this key: nothing to relay.
                refused = true;
                ReferenceCountUtil.release(head);
                Http2Headers bad = new DefaultHttp2Headers().status(HttpResponseStatus.BAD_GATEWAY.codeAsText())
                        .set("date", HttpDate.now());
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(bad, true), promise)
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            h.status(HttpResponseStatus.OK.codeAsText());
            switched = true;
            dropEmptyEnd = true;
        } else if (code >= 200 && code < 300) {
            // RFC 8441 §5: any 2xx means the tunnel is open; a route that answered without switching has none.
            h.status(HttpResponseStatus.NOT_IMPLEMENTED.codeAsText());
        }
        ctx.write(head, promise);
    }

    private static boolean endsStream(Object msg) {
        return msg instanceof Http2HeadersFrame h && h.isEndStream()
                || msg instanceof Http2DataFrame d && d.isEndStream();
    }

    static String expectedAccept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
    }

    /**
     * The tunnel closes the stream when the upstream is gone: END_STREAM after the bytes written so far, and, when
     * the client has not ended its side, RST_STREAM NO_ERROR (RFC 9113 §8.1) rather than the CANCEL a plain close
     * sends, and only once the END_STREAM is out (a reset drops DATA still held by flow control).
     */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (!switched || endSent || !ctx.channel().isActive()) {
            ctx.close(promise);
            return;
        }
        endSent = true;
        ctx.writeAndFlush(new DefaultHttp2DataFrame(true)).addListener(f -> {
            if (f.isSuccess() && !clientEnded && ctx.channel().isActive()) {
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
            }
            ctx.close(promise);
        });
    }
}
