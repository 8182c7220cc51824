package dev.gatehouse.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.logging.LogLevel;

import java.util.Locale;

/**
 * The HTTP/2 errors Gatehouse answered clients with, by RFC 9113 error code and scope: {@code connection} (GOAWAY,
 * the connection ends) or {@code stream} (RST_STREAM, the connection goes on). Counted from the frames written, so
 * every error counts whichever part of the codec found it (a broken preface, a malformed header block, a stream over
 * the concurrency limit, a rapid reset). CANCEL and NO_ERROR are how streams and connections end normally, and do not
 * count. The labels are closed sets, so the series stay bounded; a series appears with its first error.
 */
public final class Http2Errors {
    static final String NAME = "gatehouse.http2.protocol.errors";

    /** Whether the error ended the connection or one stream. */
    enum Scope {
        CONNECTION, STREAM;

        final String label = name().toLowerCase(Locale.ROOT);
    }

    private static final String OTHER = "OTHER";

    private final MeterRegistry registry;
    /** By scope and code (the last slot for codes RFC 9113 does not define); filled on first use. */
    private final Counter[][] counters = new Counter[Scope.values().length][Http2Error.values().length + 1];
    private final Meter meter = new Meter();

    Http2Errors(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Give it to the HTTP/2 codec of client connections ({@code Http2FrameCodecBuilder.frameLogger}); shared. */
    public Http2FrameLogger frameMeter() {
        return meter;
    }

    void count(Scope scope, long code) {
        Http2Error error = Http2Error.valueOf(code);
        int slot = error == null ? Http2Error.values().length : error.ordinal();
        Counter c = counters[scope.ordinal()][slot];
        if (c == null) {
            // Registering twice yields the same counter, so two event loops racing here is harmless.
            c = Counter.builder(NAME).description("HTTP/2 errors answered to clients (GOAWAY, RST_STREAM), by code")
                    .tags("scope", scope.label, "code", error == null ? OTHER : error.name()).register(registry);
            counters[scope.ordinal()][slot] = c;
        }
        c.increment();
    }

    private static boolean isError(long code) {
        return code != Http2Error.NO_ERROR.code() && code != Http2Error.CANCEL.code();
    }

    /**
     * Sees every frame the codec reads and writes; logs nothing (so it costs a call per frame) and counts the
     * GOAWAY and RST_STREAM frames written with an error code.
     */
    private final class Meter extends Http2FrameLogger {
        Meter() {
            super(LogLevel.TRACE, Http2Errors.class);
        }

        @Override
        public boolean isEnabled() {
            return false;
        }

        @Override
        public void logRstStream(Direction direction, ChannelHandlerContext ctx, int streamId, long errorCode) {
            if (direction == Direction.OUTBOUND && isError(errorCode)) {
                count(Scope.STREAM, errorCode);
            }
        }

        @Override
        public void logGoAway(Direction direction, ChannelHandlerContext ctx, int lastStreamId, long errorCode,
                              io.netty.buffer.ByteBuf debugData) {
            if (direction == Direction.OUTBOUND && isError(errorCode)) {
                count(Scope.CONNECTION, errorCode);
            }
        }
    }
}
