package dev.gatehouse.tls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.util.Optional;

/**
 * What the TLS layer decided for a connection, for the handlers after it (router, access log, redirect policy).
 * Valid once the handshake completed ({@code SslHandshakeCompletionEvent.SUCCESS}).
 */
public final class TlsSession {

    static final AttributeKey<String> SERVER_NAME = AttributeKey.valueOf(TlsSession.class, "serverName");

    private TlsSession() {
    }

    /** The SNI host name the client sent (lower case), if any. */
    public static Optional<String> serverName(Channel channel) {
        return Optional.ofNullable(channel.attr(SERVER_NAME).get());
    }

    /**
     * The ALPN protocol agreed on ({@code http/1.1}, {@code h2}, {@code acme-tls/1}); empty before the handshake,
     * on plain connections, and when the client offered none of ours.
     */
    public static Optional<String> applicationProtocol(Channel channel) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        return ssl == null ? Optional.empty() : Optional.ofNullable(ssl.applicationProtocol());
    }

    /** Whether this is a TLS-ALPN-01 validation connection (the registry's handler closes it by itself). */
    public static boolean isAcmeChallenge(Channel channel) {
        return applicationProtocol(channel).filter(SslContexts.ACME_TLS_1::equals).isPresent();
    }
}
