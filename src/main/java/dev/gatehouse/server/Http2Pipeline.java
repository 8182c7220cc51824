package dev.gatehouse.server;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.Http2;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2LocalFlowController;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * HTTP/2 on a client connection, in Netty's child-channel model: the connection carries the frame codec and the
 * multiplexer; every stream is a child channel (on the connection's event loop) whose pipeline turns frames into
 * the same {@code HttpObject}s an HTTP/1.1 connection produces, so routing, actions, header rules, the access log
 * and error answers are the HTTP/1.1 ones ({@link RequestDispatch}).
 *
 * <pre>
 * connection: [tls] → h2-watch (idle, drain) → h2-codec (frames, flow control, limits) → h2-streams (multiplexer)
 *             → h2-errors ({@link ClientErrors})
 * stream:     h2-connect (RFC 8441 WebSocket, {@link ExtendedConnect}) → h2-http (frames ⇄ HttpObjects)
 *             → h2-connect-http → h2-headers (Date, request id) → router ({@link StreamHandler})
 * </pre>
 */
final class Http2Pipeline {
    /**
     * CONTINUATION frames with less than 8 KiB each that a header block may use before the connection is closed
     * (CVE-2024-27316 style floods; the block's total size is bounded separately by the header list limit).
     */
    static final int MAX_SMALL_CONTINUATIONS = 16;

    private Http2Pipeline() {
    }

    /** Replaces the HTTP/1.1 client timeouts with the HTTP/2 handlers; the connection reads on its own from now. */
    static void install(Channel ch, ServerState state, boolean secure) {
        GatehouseConfig config = state.routing().config();
        Http2 settings = config.http2();
        ChannelPipeline p = ch.pipeline();
        if (p.get(ClientTimeouts.class) != null) {
            p.remove(ClientTimeouts.class);
        }
        state.metrics().openConnections(secure ? "https" : "http", "h2").track(ch);
        Http2ConnectionWatch watch = new Http2ConnectionWatch(config.timeouts().idle());
        RequestDispatch dispatch = new RequestDispatch(secure);
        Http2FrameCodec codec = codec(config, state.metrics().http2Errors().frameMeter());
        // Many streams answer within one event-loop turn, each flushing; one write to the socket (and one TLS
        // record run) carries them all.
        p.addLast("h2-flush", new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES,
                        true))
                .addLast("h2-watch", watch)
                .addLast("h2-codec", codec)
                .addLast("h2-streams", new Http2MultiplexHandler(new StreamInitializer(state, dispatch, watch)))
                // The codec passes connection errors on (and the multiplexer what no stream took): they end here.
                .addLast("h2-errors", state.clientErrors());
        // The connection window starts at 64 KiB whatever SETTINGS say (RFC 9113 §6.9.2), and Netty raises it to
        // the stream window; WINDOW_UPDATE takes it to the configured size.
        Http2Stream connection = codec.connection().connectionStream();
        Http2LocalFlowController flow = codec.connection().local().flowController();
        int extra = settings.connectionWindow() - flow.initialWindowSize(connection);
        if (extra > 0) {
            try {
                flow.incrementWindowSize(connection, extra);
            } catch (Http2Exception e) {
                throw new IllegalStateException("connection window " + settings.connectionWindow(), e);
            }
        }
        // Frames must be read for flow control, pings and resets to work; memory stays bounded by the windows,
        // the stream limit and the codec's limits, and each stream's reads are explicit on its child channel.
        ch.config().setAutoRead(true);
    }

    /** @param frameMeter sees the frames read and written (counts the errors answered) */
    static Http2FrameCodec codec(GatehouseConfig config, Http2FrameLogger frameMeter) {
        Http2 h2 = config.http2();
        Http2Settings settings = new Http2Settings()
                .maxConcurrentStreams(h2.maxConcurrentStreams())
                .initialWindowSize(h2.initialWindow())
                .maxFrameSize(h2.maxFrameSize())
                .maxHeaderListSize(h2.headerListSize(config.limits()))
                .headerTableSize(h2.headerTableSize())
                // RFC 8441: WebSocket over HTTP/2 by extended CONNECT ({@link ExtendedConnect}).
                .connectProtocolEnabled(true);
        int windowSeconds = (int) Math.max(1, h2.resetWindow().toSeconds());
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(settings)
                .validateHeaders(true)
                // RFC 9113 §8.3.1: a request without :method, :scheme or :path is malformed (a stream error).
                .validateRequiredPseudoHeaders(true)
                // Rapid reset (CVE-2023-44487): too many RST_STREAM from the client, GOAWAY ENHANCE_YOUR_CALM.
                .decoderEnforceMaxRstFramesPerWindow(h2.maxResets(), windowSeconds)
                // The same bound on resets the client makes Gatehouse send (malformed streams, "MadeYouReset").
                .encoderEnforceMaxRstFramesPerWindow(h2.maxResets(), windowSeconds)
                .decoderEnforceMaxSmallContinuationFrames(MAX_SMALL_CONTINUATIONS)
                .gracefulShutdownTimeoutMillis(config.timeouts().shutdown().toMillis())
                .frameLogger(frameMeter)
                .build();
    }

    /** The pipeline of each stream's child channel; one per connection. */
    @ChannelHandler.Sharable
    private static final class StreamInitializer extends ChannelInitializer<Http2StreamChannel> {
        private final ServerState state;
        private final RequestDispatch dispatch;
        private final Http2ConnectionWatch watch;

        StreamInitializer(ServerState state, RequestDispatch dispatch, Http2ConnectionWatch watch) {
            this.state = state;
            this.dispatch = dispatch;
            this.watch = watch;
        }

        /** Stateless (@Sharable; the scheme comes from the connection): one for every stream of every connection. */
        private static final Http2StreamFrameToHttpObjectCodec FRAMES_TO_HTTP =
                new Http2StreamFrameToHttpObjectCodec(true, true);

        @Override
        protected void initChannel(Http2StreamChannel ch) {
            // The request body is read as the handler asks, like on HTTP/1.1; unread DATA holds back the stream's
            // WINDOW_UPDATEs, so the client waits rather than Gatehouse buffering.
            ch.config().setAutoRead(false);
            Http2ResponseHeaders headers = new Http2ResponseHeaders();
            ExtendedConnect connect = new ExtendedConnect();
            ch.pipeline()
                    .addLast("h2-connect", connect)
                    .addLast("h2-http", FRAMES_TO_HTTP)
                    .addLast("h2-connect-http", connect.upgradeHeaders())
                    .addLast("h2-headers", headers)
                    .addLast("router", new StreamHandler(state, dispatch, watch, headers));
        }
    }
}
