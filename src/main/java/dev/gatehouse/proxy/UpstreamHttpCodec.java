package dev.gatehouse.proxy;

import dev.gatehouse.http.FoldScanner;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.ArrayDeque;
import java.util.List;

/**
 * HTTP/1.1 client codec for upstream connections, as strict with responses as the server codec is with requests:
 * a status line that is not {@code HTTP/1.x NNN} with a code of 100 to 599, a Content-Length that is not one
 * number, Content-Length with Transfer-Encoding, a transfer coding other than {@code chunked}, obs-fold, bare LF
 * line ends and control bytes in header values make the response invalid: it comes out of the decoder with a
 * failed {@link DecoderResult} (which the proxy answers with a 502) and nothing after it is parsed.
 * Like Netty's {@code HttpClientCodec}, it remembers each request's method: a HEAD response has no body.
 */
final class UpstreamHttpCodec extends CombinedChannelDuplexHandler<UpstreamHttpCodec.Decoder, UpstreamHttpCodec.Encoder> {
    /** Response heads may carry many cookies; larger than the HttpClientCodec default of 8 KiB. */
    static final int MAX_HEAD = 64 * 1024;

    /** Methods of requests sent whose responses have not been decoded yet. */
    private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>();

    UpstreamHttpCodec() {
        init(new Decoder(), new Encoder());
    }

    private static HttpDecoderConfig config() {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(8 * 1024)
                .setMaxHeaderSize(MAX_HEAD)
                .setMaxChunkSize(64 * 1024)
                .setStrictLineParsing(true)
                .setAllowDuplicateContentLengths(false)
                .setHeadersFactory(DefaultHttpHeadersFactory.headersFactory().withValidation(true))
                .setTrailersFactory(DefaultHttpHeadersFactory.trailersFactory().withValidation(true));
    }

    final class Decoder extends HttpResponseDecoder {
        private final FoldScanner folds = new FoldScanner();
        private boolean failed;
        private boolean switched;
        /** No response is being decoded: the next byte would start one. */
        private boolean between = true;

        Decoder() {
            super(config());
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            if (failed) {
                buffer.skipBytes(buffer.readableBytes()); // nothing after a broken response is parsed
                return;
            }
            if (switched) {
                super.decode(ctx, buffer, out); // after a 101 the bytes are the new protocol's, not heads
                return;
            }
            if (between && methods.isEmpty() && buffer.isReadable()) {
                unsolicited(ctx, buffer);
                return;
            }
            int before = out.size();
            if (folds.foundIn(buffer)) {
                failed = true;
                buffer.skipBytes(buffer.readableBytes());
                HttpMessage invalid = createInvalidMessage();
                invalid.setDecoderResult(DecoderResult.failure(new InvalidResponseException(
                        "a header line starts with whitespace (obs-fold is not allowed)")));
                out.add(invalid);
                return;
            }
            int readerIndex = buffer.readerIndex();
            super.decode(ctx, buffer, out);
            folds.consumed(buffer.readerIndex() - readerIndex);
            for (int i = before; i < out.size(); i++) {
                Object msg = out.get(i);
                if (msg instanceof HttpResponse response) {
                    between = false;
                    if (response.status().code() == 101) {
                        switched = true;
                    }
                }
                if (msg instanceof HttpMessage m && m.decoderResult().isFailure()
                        || msg instanceof LastHttpContent last && last.decoderResult().isFailure()) {
                    failed = true;
                }
                if (msg instanceof LastHttpContent) {
                    folds.nextMessage();
                    between = true;
                }
            }
            if (between && !failed && !switched && methods.isEmpty() && buffer.isReadable()) {
                unsolicited(ctx, buffer); // closed before the response's end is passed on: it is never pooled
            }
        }

        /**
         * Bytes with no request outstanding (more than the last response's framing said, or sent while idle) answer
         * nothing: the connection must never carry another request, or they would be read as its response. nginx
         * closes such a connection too.
         */
        private void unsolicited(ChannelHandlerContext ctx, ByteBuf buffer) {
            failed = true;
            buffer.skipBytes(buffer.readableBytes());
            ctx.close();
        }

        /** RFC 9112 §4: {@code HTTP/1.x}, then a status code of exactly three digits, 100 to 599 (RFC 9110 §15). */
        @Override
        protected HttpMessage createMessage(String[] initialLine) {
            String version = initialLine[0];
            String code = initialLine[1];
            if (version.length() != 8 || !version.startsWith("HTTP/1.") || !isDigit(version.charAt(7))) {
                throw new InvalidResponseException("invalid status line \"" + shown(String.join(" ", initialLine)
                        .strip()) + "\" (expected: like HTTP/1.1 200 OK)");
            }
            if (code.length() != 3 || !isDigit(code.charAt(0)) || !isDigit(code.charAt(1))
                    || !isDigit(code.charAt(2)) || code.charAt(0) < '1' || code.charAt(0) > '5') {
                throw new InvalidResponseException("invalid status code \"" + shown(code)
                        + "\" (expected: 100 to 599)");
            }
            return super.createMessage(initialLine);
        }

        /**
         * The decoder's one hook between reading the headers and choosing the body's framing, so the framing
         * headers are checked here: Transfer-Encoding, when present, must be {@code chunked} alone. Another coding
         * would reach the client undone (Transfer-Encoding is re-applied per hop), and {@code gzip, chunked} from a
         * server is as suspect as from a client. Also knows, like HttpClientCodec, that a HEAD response has no body.
         */
        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            HttpResponse response = (HttpResponse) msg;
            List<String> codings = msg.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
            if (!codings.isEmpty() && (codings.size() > 1 || !codings.get(0).strip().equalsIgnoreCase("chunked"))) {
                throw new InvalidResponseException("Transfer-Encoding \"" + shown(String.join(", ", codings))
                        + "\" (expected: chunked or none)");
            }
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                return super.isContentAlwaysEmpty(msg); // an interim response answers no request by itself
            }
            HttpMethod method = methods.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
        }

        /** RFC 9112 §6.3 allows decoding by Transfer-Encoding alone; refusing is safer and what nginx does. */
        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            throw new InvalidResponseException("both Content-Length and Transfer-Encoding are present");
        }
    }

    final class Encoder extends HttpRequestEncoder {
        @Override
        protected void encodeInitialLine(ByteBuf buf, HttpRequest request) throws Exception {
            methods.add(request.method());
            super.encodeInitialLine(buf, request);
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Upstream bytes go into log lines: printable and short. */
    static String shown(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 80));
        for (int i = 0; i < s.length() && sb.length() < 80; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }
}
