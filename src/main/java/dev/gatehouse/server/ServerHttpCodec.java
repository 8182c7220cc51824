package dev.gatehouse.server;

import dev.gatehouse.http.FoldScanner;
import dev.gatehouse.http.RequestIds;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.ArrayDeque;
import java.util.List;

/**
 * HTTP/1.1 server codec, stricter than Netty's {@code HttpServerCodec}: a request with both Content-Length and
 * Transfer-Encoding is refused rather than repaired (the classic smuggling vector), so are folded header lines and
 * versions not spelt {@code HTTP/d.d}; decoding pauses after an upgrade request so that bytes meant for the new
 * protocol are never parsed as HTTP.
 */
final class ServerHttpCodec extends CombinedChannelDuplexHandler<ServerHttpCodec.Decoder, ServerHttpCodec.Encoder>
        implements ResponseStamps {
    /** Methods of requests whose responses are not written yet: a HEAD response has headers but no body. */
    private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>();
    private boolean paused;
    private String requestId;

    ServerHttpCodec(HttpDecoderConfig config) {
        init(new Decoder(config), new Encoder());
    }

    /** The X-Request-Id of the next responses (the current exchange's id): every response carries it back. */
    @Override
    public void requestId(String id) {
        requestId = id;
    }

    /** Stops decoding after the current request; what follows is left for whoever takes the connection over. */
    void pause() {
        paused = true;
    }

    final class Decoder extends HttpRequestDecoder {
        /** RFC 9112 section 2.3: HTTP-name is case-sensitive, one digit each side of the dot. */

        private final FoldScanner folds = new FoldScanner();
        private boolean failed;

        Decoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            if (failed) {
                buffer.skipBytes(buffer.readableBytes()); // as Netty does after a bad message: nothing more is parsed
                return;
            }
            if (paused) {
                return;
            }
            int before = out.size();
            if (folds.foundIn(buffer)) {
                failed = true;
                buffer.skipBytes(buffer.readableBytes());
                HttpMessage invalid = createInvalidMessage();
                invalid.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(
                        "a header line starts with whitespace (obs-fold is not allowed)")));
                out.add(invalid);
            } else {
                int readerIndex = buffer.readerIndex();
                super.decode(ctx, buffer, out);
                folds.consumed(buffer.readerIndex() - readerIndex);
            }
            for (int i = before; i < out.size(); i++) {
                if (out.get(i) instanceof HttpRequest request) {
                    methods.add(request.method());
                    if (request.headers().contains(HttpHeaderNames.UPGRADE)) {
                        paused = true;
                    }
                }
                if (out.get(i) instanceof LastHttpContent) {
                    folds.nextMessage();
                }
            }
        }

        /**
         * Netty upper-cases the version and accepts any {@code NAME/d.d}; a version that is not {@code HTTP/d.d}
         * exactly is garbage (400), while a well-formed one other than 1.0 and 1.1 gets 505 from the guard.
         */
        @Override
        protected HttpMessage createMessage(String[] initialLine) throws Exception {
            if (!isHttpVersion(initialLine[2])) {
                throw new IllegalArgumentException("the HTTP version is not like HTTP/1.1");
            }
            return super.createMessage(initialLine);
        }

        /** {@code HTTP/d.d} exactly (no regex: this runs for every request). */
        private static boolean isHttpVersion(String v) {
            return v.length() == 8 && v.startsWith("HTTP/") && isDigit(v.charAt(5)) && v.charAt(6) == '.'
                    && isDigit(v.charAt(7));
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        /** RFC 9112 §6.1: such a request "ought to be handled as an error"; Gatehouse answers 400. */
        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            throw new IllegalArgumentException("both Content-Length and Transfer-Encoding are present");
        }
    }

    final class Encoder extends HttpResponseEncoder {
        /** Every response carries a Date (RFC 9110 §6.6.1); an upstream's own Date is kept. */
        @Override
        protected void sanitizeHeadersBeforeEncode(HttpResponse msg, boolean isAlwaysEmpty) {
            if (!msg.headers().contains(HttpHeaderNames.DATE)) {
                msg.headers().set(HttpHeaderNames.DATE, HttpDate.now());
            }
            if (requestId != null) {
                msg.headers().set(RequestIds.HEADER, requestId);
            }
            super.sanitizeHeadersBeforeEncode(msg, isAlwaysEmpty);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            if (msg.status().codeClass() != HttpStatusClass.INFORMATIONAL && HttpMethod.HEAD.equals(methods.poll())) {
                return true;
            }
            return super.isContentAlwaysEmpty(msg);
        }
    }
}
