package dev.gatehouse.metrics;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;

import static org.assertj.core.api.Assertions.assertThat;

class HandshakeMeterTest {
    private final GatehouseMetrics metrics = new GatehouseMetrics();

    private double handshakes() {
        return Scrape.parse(metrics.scrape()).value("gatehouse_tls_handshakes_total");
    }

    private double failures(String reason) {
        return Scrape.parse(metrics.scrape()).value("gatehouse_tls_handshake_failures_total", "reason", reason);
    }

    @Test
    void aFinishedHandshakeIsCountedOnceAndTheMeterLeaves() {
        EmbeddedChannel ch = new EmbeddedChannel(metrics.tlsHandshakes().newHandler());
        ch.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
        assertThat(ch.pipeline().get(HandshakeMeter.class)).isNull();
        ch.close();
        assertThat(handshakes()).isEqualTo(1);
        assertThat(failures("closed")).isEqualTo(0);
    }

    @Test
    void aFailedHandshakeIsCountedByItsReason() {
        EmbeddedChannel ch = new EmbeddedChannel(metrics.tlsHandshakes().newHandler());
        ch.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(
                new SSLHandshakeException("no cipher suites in common")));
        ch.close();
        assertThat(handshakes()).isEqualTo(1);
        assertThat(failures("protocol")).isEqualTo(1);
    }

    @Test
    void aConnectionClosedBeforeAnyHandshakeCountsAsClosed() {
        EmbeddedChannel ch = new EmbeddedChannel(metrics.tlsHandshakes().newHandler());
        ch.close();
        assertThat(handshakes()).isEqualTo(1);
        assertThat(failures("closed")).isEqualTo(1);
    }
}
