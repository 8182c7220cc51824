package dev.gatehouse.server;

import dev.gatehouse.config.Limits;
import dev.gatehouse.config.Timeouts;
import dev.gatehouse.tls.CertificateRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;

import java.util.Optional;

/**
 * The pipeline of a client connection (HTTPS or plain HTTP), in the order a request travels through it. The HTTP
 * version is decided first: by ALPN on HTTPS ({@link AlpnSwitch}), by the connection preface on a plain listener
 * with {@code h2c: true} ({@link PrefaceSwitch}); HTTP/1.1 connections then get {@link #http1}, HTTP/2 ones
 * {@link Http2Pipeline}.
 */
final class HttpInitializer extends ChannelInitializer<SocketChannel> {
    private final ServerState state;
    private final Optional<CertificateRegistry> tls;
    private final String listener;

    /** @param tls the certificates for an HTTPS listener; empty for plain HTTP */
    HttpInitializer(ServerState state, Optional<CertificateRegistry> tls) {
        this.state = state;
        this.tls = tls;
        this.listener = tls.isPresent() ? "https" : "http";
        // The listener's series exist from the start (at 0), not from the first event.
        state.metrics().clientTimeoutMeters(listener);
        state.metrics().refusedConnections(listener);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        Routing routing = state.routing();
        if (!state.connectionLimit().admit(ch, routing.config().limits().maxConnections(), listener)) {
            return;
        }
        Timeouts timeouts = routing.config().timeouts();
        ClientTimeouts clientTimeouts = new ClientTimeouts(timeouts.clientHeader(), timeouts.idle(), state, listener);
        // The TLS handler picks the certificate from the ClientHello, then becomes the SslHandler; a client that
        // never finishes its handshake is closed by the client timeouts, which run from the connection's start.
        tls.ifPresent(registry -> ch.pipeline().addLast("tls", registry.newHandler())
                .addLast("tls-metrics", state.metrics().tlsHandshakes().newHandler()));
        ch.pipeline().addLast("timeouts", clientTimeouts);
        if (routing.config().listen().expectsProxyHeader(ch.remoteAddress().getAddress())) {
            ProxyProtocolHandler.install(ch); // before TLS: the header comes first on the wire
        }
        if (tls.isPresent()) {
            ch.pipeline().addLast("alpn", new AlpnSwitch(state));
        } else if (routing.config().listen().h2c()) {
            ch.pipeline().addLast("h2c-preface", new PrefaceSwitch(state));
        } else {
            http1(ch, state, false);
        }
        state.connections().add(ch);
    }

    /** HTTP/1.1 from here on: the codec and the connection handler after the client timeouts. */
    static void http1(Channel ch, ServerState state, boolean secure) {
        ClientTimeouts timeouts = ch.pipeline().get(ClientTimeouts.class);
        ServerHttpCodec codec = new ServerHttpCodec(decoderConfig(state.routing().config().limits()));
        state.metrics().openConnections(secure ? "https" : "http", "http1").track(ch);
        ch.pipeline()
                .addLast("http-codec", codec)
                .addLast("router", new ConnectionHandler(state, secure, timeouts, codec));
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
