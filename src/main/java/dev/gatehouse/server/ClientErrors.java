package dev.gatehouse.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * The last handler of a client connection, so that no error reaches the end of the pipeline (where Netty would log
 * each one with its stack trace). A client that breaks HTTP/2 or goes away mid-connection is the client's problem:
 * logged at DEBUG, with one INFO line a minute at most saying how many there were (the HTTP/2 codec's frame meter
 * counts each by error code, {@code gatehouse_http2_protocol_errors_total}). Anything else is a fault here: logged
 * as a WARN with its stack trace, also at most once a minute so that a fault hit by every connection cannot flood
 * the log.
 */
@ChannelHandler.Sharable
final class ClientErrors extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ClientErrors.class);
    /** The longest the log goes without a line about clients' errors while they happen; the metric counts each. */
    static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

    private final RateLimitedLog protocolLines = new RateLimitedLog(LOG_INTERVAL);
    private final RateLimitedLog faultLines = new RateLimitedLog(LOG_INTERVAL);

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Http2Exception h2 = Http2CodecUtil.getEmbeddedHttp2Exception(cause);
        if (h2 != null) {
            // The HTTP/2 codec answers it with GOAWAY (or RST_STREAM) and closes once that is written; closing here
            // would lose the GOAWAY.
            http2Error(ctx.channel().remoteAddress(), h2 instanceof Http2Exception.StreamException ? "stream"
                    : "connection", h2);
            return;
        }
        if (clientWentAway(cause)) {
            log.debug("client={} connection error: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            long skipped = faultLines.tryLog();
            if (skipped >= 0) {
                log.warn("client={} connection failed, closing it{}", ctx.channel().remoteAddress(),
                        skipped == 0 ? "" : " (" + skipped + " more such failures since the last line)", cause);
            } else {
                log.debug("client={} connection failed: {}", ctx.channel().remoteAddress(), cause.toString());
            }
        }
        ctx.close();
    }

    /** A stream error a client caused on {@code connection}; the stream is reset, the connection goes on. */
    void streamError(Channel connection, Http2Exception e) {
        http2Error(connection.remoteAddress(), "stream", e);
    }

    private void http2Error(SocketAddress peer, String what, Http2Exception e) {
        long skipped = protocolLines.tryLog();
        if (skipped >= 0) {
            log.info("client={} HTTP/2 {} error {}: {}{}", peer, what, e.error(), e.getMessage(), skipped == 0 ? ""
                    : " (and " + skipped + " more client HTTP/2 errors since the last line; each is counted in "
                    + "gatehouse_http2_protocol_errors_total)");
        } else {
            log.debug("client={} HTTP/2 {} error {}: {}", peer, what, e.error(), e.getMessage());
        }
    }

    /** Resets, broken pipes, TLS records that do not decrypt: the client (or the network) ended the connection. */
    private static boolean clientWentAway(Throwable cause) {
        Throwable c = cause;
        for (int depth = 0; c != null && depth < 5; depth++, c = c.getCause()) {
            if (c instanceof IOException || c instanceof SSLException) {
                return true;
            }
            if (!(c instanceof DecoderException)) {
                return false;
            }
        }
        return false;
    }
}
