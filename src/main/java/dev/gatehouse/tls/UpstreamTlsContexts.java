package dev.gatehouse.tls;

import dev.gatehouse.config.UpstreamTls;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;

/**
 * TLS towards an upstream with {@code protocol: h2}, shared by the proxy's connections and the health checks, so
 * that a check verifies the target exactly as requests do: ALPN h2 only, the certificate verified against
 * {@code tls.ca} or the JDK's system trust store, with host name checks.
 */
public final class UpstreamTlsContexts {
    private UpstreamTlsContexts() {
    }

    /** A client context for {@code tls}; reads the system trust store when no CA is given. */
    public static SslContext clientContext(UpstreamTls tls) {
        try {
            SslContextBuilder b = SslContextBuilder.forClient()
                    .protocols(SslContexts.PROTOCOLS)
                    .endpointIdentificationAlgorithm("HTTPS")
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, SslContexts.H2));
            if (!tls.caCertificates().isEmpty()) {
                b.trustManager(tls.caCertificates().toArray(new X509Certificate[0]));
            }
            return b.build();
        } catch (SSLException e) {
            throw new UncheckedIOException("cannot set up TLS towards the upstream: " + e.getMessage(), e);
        }
    }

    /** The handler of one connection: {@code serverName} sent in SNI and checked against the certificate. */
    public static SslHandler newHandler(SslContext context, ByteBufAllocator alloc, String serverName, int port) {
        SslHandler tls = context.newHandler(alloc, serverName, port);
        SSLParameters params = tls.engine().getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS"); // the name, not only the chain
        tls.engine().setSSLParameters(params);
        return tls;
    }
}
