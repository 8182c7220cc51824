package dev.gatehouse.metrics;

import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameLogger;
import org.junit.jupiter.api.Test;

import static io.netty.handler.codec.http2.Http2FrameLogger.Direction.INBOUND;
import static io.netty.handler.codec.http2.Http2FrameLogger.Direction.OUTBOUND;
import static org.assertj.core.api.Assertions.assertThat;

class Http2ErrorsTest {
    private final GatehouseMetrics metrics = new GatehouseMetrics();
    private final Http2FrameLogger meter = metrics.http2Errors().frameMeter();

    private double errors(String scope, String code) {
        return Scrape.parse(metrics.scrape()).value("gatehouse_http2_protocol_errors_total", "code", code,
                "scope", scope);
    }

    @Test
    void errorsWrittenToClientsAreCountedByScopeAndCode() {
        meter.logGoAway(OUTBOUND, null, 0, Http2Error.PROTOCOL_ERROR.code(), null);
        meter.logGoAway(OUTBOUND, null, 0, Http2Error.PROTOCOL_ERROR.code(), null);
        meter.logGoAway(OUTBOUND, null, 7, Http2Error.ENHANCE_YOUR_CALM.code(), null);
        meter.logRstStream(OUTBOUND, null, 3, Http2Error.REFUSED_STREAM.code());
        meter.logRstStream(OUTBOUND, null, 5, 0xff);

        assertThat(errors("connection", "PROTOCOL_ERROR")).isEqualTo(2);
        assertThat(errors("connection", "ENHANCE_YOUR_CALM")).isEqualTo(1);
        assertThat(errors("stream", "REFUSED_STREAM")).isEqualTo(1);
        assertThat(errors("stream", "OTHER")).as("a code RFC 9113 does not define").isEqualTo(1);
    }

    @Test
    void normalEndsAndTheClientsOwnFramesDoNotCount() {
        meter.logGoAway(OUTBOUND, null, 9, Http2Error.NO_ERROR.code(), null); // graceful shutdown
        meter.logRstStream(OUTBOUND, null, 3, Http2Error.CANCEL.code());
        meter.logRstStream(OUTBOUND, null, 3, Http2Error.NO_ERROR.code());
        meter.logRstStream(INBOUND, null, 5, Http2Error.PROTOCOL_ERROR.code());
        meter.logGoAway(INBOUND, null, 0, Http2Error.INTERNAL_ERROR.code(), null);

        assertThat(Scrape.parse(metrics.scrape()).matching("gatehouse_http2_protocol_errors_total")).isEmpty();
        assertThat(meter.isEnabled()).as("logs nothing").isFalse();
    }
}
