package dev.gatehouse.metrics;

import dev.gatehouse.tls.UnrecognizedNameException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;

import javax.net.ssl.SSLException;
import java.nio.channels.ClosedChannelException;
import java.util.HashMap;
import java.util.Map;

/**
 * TLS handshakes of the HTTPS listeners: all of them, and the failed ones by a small set of reasons. Put
 * {@link #newHandler()} right after the TLS handler of each HTTPS connection.
 */
public final class TlsHandshakes {
    static final String HANDSHAKES = "gatehouse.tls.handshakes";
    static final String FAILURES = "gatehouse.tls.handshake.failures";

    /** Why a handshake failed, as the {@code reason} label says it. */
    enum Reason {
        /** No certificate for the SNI name (and no default): refused with an unrecognized_name alert. */
        UNRECOGNIZED_NAME,
        /** The first bytes were not TLS (e.g. plain HTTP sent to the HTTPS port). */
        NOT_TLS,
        TIMEOUT,
        /** The client closed the connection before the handshake finished. */
        CLOSED,
        /** Refused by the TLS stack: no common version, cipher or group, a bad message, an alert from the client. */
        PROTOCOL,
        OTHER;

        final String label = name().toLowerCase(java.util.Locale.ROOT);
    }

    private final Counter all;
    private final Map<Reason, Counter> failures = new HashMap<>();

    TlsHandshakes(MeterRegistry registry) {
        this.all = Counter.builder(HANDSHAKES).description("TLS handshakes finished or failed").register(registry);
        for (Reason r : Reason.values()) {
            failures.put(r, Counter.builder(FAILURES).description("TLS handshakes that failed")
                    .tag("reason", r.label).register(registry));
        }
    }

    /** A new handler for one connection (it removes itself once the handshake is counted). */
    public ChannelHandler newHandler() {
        return new HandshakeMeter(this);
    }

    void succeeded() {
        all.increment();
    }

    void failed(Throwable cause) {
        all.increment();
        failures.get(reason(cause)).increment();
    }

    static Reason reason(Throwable cause) {
        Throwable c = cause;
        for (int depth = 0; c != null && depth < 5; depth++, c = c.getCause()) {
            if (c instanceof UnrecognizedNameException) {
                return Reason.UNRECOGNIZED_NAME;
            }
            if (c instanceof NotSslRecordException) {
                return Reason.NOT_TLS;
            }
            if (c instanceof SslHandshakeTimeoutException) {
                return Reason.TIMEOUT;
            }
            if (c instanceof ClosedChannelException) {
                return Reason.CLOSED;
            }
            if (c instanceof SSLException) {
                // Netty's own words when the peer goes away mid-handshake.
                String m = c.getMessage();
                return m != null && m.startsWith("Connection closed") ? Reason.CLOSED : Reason.PROTOCOL;
            }
            if (!(c instanceof DecoderException)) {
                break;
            }
        }
        return Reason.OTHER;
    }
}
