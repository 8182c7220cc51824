package dev.gatehouse.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;

import java.util.ArrayDeque;
import java.util.List;

/**
 * HTTP/1.1 server codec, stricter than Netty's {@code HttpServerCodec}: a request with both Content-Length and
 * Transfer-Encoding is refused rather than repaired (the classic smuggling vector), and decoding pauses after an
 * upgrade request so that bytes meant for the new protocol are never parsed as HTTP.
 */
final class ServerHttpCodec extends CombinedChannelDuplexHandler<ServerHttpCodec.Decoder, ServerHttpCodec.Encoder> {
    /** Methods of requests whose responses are not written yet: a HEAD response has headers but no body. */
    private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>();
    private boolean paused;

    ServerHttpCodec(HttpDecoderConfig config) {
        init(new Decoder(config), new Encoder());
    }

    /** Stops decoding after the current request; what follows is left for whoever takes the connection over. */
    void pause() {
        paused = true;
    }

    final class Decoder extends HttpRequestDecoder {
        Decoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            if (paused) {
                return;
            }
            int before = out.size();
            super.decode(ctx, buffer, out);
            for (int i = before; i < out.size(); i++) {
                if (out.get(i) instanceof HttpRequest request) {
                    methods.add(request.method());
                    if (request.headers().contains(HttpHeaderNames.UPGRADE)) {
                        paused = true;
                    }
                }
            }
        }

        /** RFC 9112 §6.1: such a request "ought to be handled as an error"; Gatehouse answers 400. */
        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            throw new IllegalArgumentException("both Content-Length and Transfer-Encoding are present");
        }
    }

    final class Encoder extends HttpResponseEncoder {
        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            if (msg.status().codeClass() != HttpStatusClass.INFORMATIONAL && HttpMethod.HEAD.equals(methods.poll())) {
                return true;
            }
            return super.isContentAlwaysEmpty(msg);
        }
    }
}
