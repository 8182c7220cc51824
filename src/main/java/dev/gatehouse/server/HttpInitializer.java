package dev.gatehouse.server;

import dev.gatehouse.config.Limits;
import dev.gatehouse.config.Timeouts;
import dev.gatehouse.metrics.ConnectionCount;
import dev.gatehouse.metrics.TlsHandshakes;
import dev.gatehouse.tls.CertificateRegistry;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;

import java.util.Optional;

/** The pipeline of a client connection (HTTPS or plain HTTP), in the order a request travels through it. */
final class HttpInitializer extends ChannelInitializer<SocketChannel> {
    private final ServerState state;
    private final Optional<CertificateRegistry> tls;
    private final ConnectionCount open;
    private final TlsHandshakes handshakes;

    /**
     * @param tls        the certificates for an HTTPS listener; empty for plain HTTP
     * @param open       counts this listener's open connections
     * @param handshakes counts the TLS handshakes (unused for plain HTTP)
     */
    HttpInitializer(ServerState state, Optional<CertificateRegistry> tls, ConnectionCount open,
                    TlsHandshakes handshakes) {
        this.state = state;
        this.tls = tls;
        this.open = open;
        this.handshakes = handshakes;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        Routing routing = state.routing();
        Timeouts timeouts = routing.config().timeouts();
        ClientTimeouts clientTimeouts = new ClientTimeouts(timeouts.clientHeader(), timeouts.idle());
        ServerHttpCodec codec = new ServerHttpCodec(decoderConfig(routing.config().limits()));
        // The TLS handler picks the certificate from the ClientHello, then becomes the SslHandler; a client that
        // never finishes its handshake is closed by the client timeouts, which run from the connection's start.
        tls.ifPresent(registry -> ch.pipeline().addLast("tls", registry.newHandler())
                .addLast("tls-metrics", handshakes.newHandler()));
        ch.pipeline()
                .addLast("timeouts", clientTimeouts)
                .addLast("http-codec", codec)
                .addLast("router", new ConnectionHandler(state, tls.isPresent(), clientTimeouts, codec));
        state.connections().add(ch);
        open.track(ch);
    }

    /**
     * Strict parsing: bare-LF line ends refused, header values with control bytes refused, duplicate differing
     * Content-Length refused. The request line may be a little longer than the URI limit so that the method and
     * version fit; the URI itself is checked against the limit exactly.
     */
    static HttpDecoderConfig decoderConfig(Limits limits) {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxUri() + 64)
                .setMaxHeaderSize(limits.maxHeaders())
                .setMaxChunkSize(64 * 1024)
                .setStrictLineParsing(true)
                .setAllowDuplicateContentLengths(false)
                .setHeadersFactory(DefaultHttpHeadersFactory.headersFactory().withValidation(true))
                .setTrailersFactory(DefaultHttpHeadersFactory.trailersFactory().withValidation(true));
    }
}
