package dev.gatehouse.acme;

import com.sun.net.httpserver.HttpServer;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The test's stand-ins for Gatehouse's listeners during validation, on loopback: an HTTP server answering
 * {@code /.well-known/acme-challenge/<token>} from {@link Http01Tokens}, and a TLS server that answers
 * ALPN {@code acme-tls/1} handshakes with the challenge certificate for the SNI name from {@link TlsAlpn01Certificates}.
 */
final class ChallengeServers implements AutoCloseable {
    final Http01Tokens http01;
    final TlsAlpn01Certificates tlsAlpn01;
    private final HttpServer http;
    private final SSLServerSocket tls;
    private final ExecutorService handshakes = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-acme-tls-alpn");
        t.setDaemon(true);
        return t;
    });

    private ChallengeServers(Http01Tokens http01, TlsAlpn01Certificates tlsAlpn01, HttpServer http, SSLServerSocket tls) {
        this.http01 = http01;
        this.tlsAlpn01 = tlsAlpn01;
        this.http = http;
        this.tls = tls;
    }

    /** Both servers on free loopback ports. */
    static ChallengeServers start() throws IOException, GeneralSecurityException {
        Http01Tokens http01 = new Http01Tokens();
        TlsAlpn01Certificates tlsAlpn01 = new TlsAlpn01Certificates();
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        http.createContext("/", exchange -> {
            Optional<String> answer = Http01Tokens.tokenFromPath(exchange.getRequestURI().getRawPath())
                    .flatMap(http01::keyAuthorization);
            byte[] body = answer.orElse("no such challenge").getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(answer.isPresent() ? 200 : 404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new X509ExtendedKeyManager[]{new ChallengeKeys(tlsAlpn01)}, null, null);
        SSLServerSocket socket = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 16, InetAddress.getLoopbackAddress());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[]{TlsAlpn01Certificates.ACME_TLS_1});
        socket.setSSLParameters(parameters);
        ChallengeServers servers = new ChallengeServers(http01, tlsAlpn01, http, socket);
        http.start();
        Thread acceptor = new Thread(servers::acceptLoop, "test-acme-tls-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return servers;
    }

    int httpPort() {
        return http.getAddress().getPort();
    }

    int tlsPort() {
        return tls.getLocalPort();
    }

    /** A responder over both servers; {@code types} are the listeners that count as "on". */
    ChallengeResponder responder(dev.gatehouse.config.AcmeSettings.ChallengeType... types) {
        return new StoreResponder(http01, tlsAlpn01, java.util.Set.of(types));
    }

    private void acceptLoop() {
        while (!tls.isClosed()) {
            try {
                SSLSocket socket = (SSLSocket) tls.accept();
                handshakes.execute(() -> handshake(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void handshake(SSLSocket socket) {
        try (socket) {
            socket.setSoTimeout(5000);
            socket.startHandshake(); // RFC 8737 §3: the validation is the handshake; no data follows
        } catch (IOException e) {
            // a handshake without acme-tls/1 or an unknown name: the CA sees a failed validation
        }
    }

    @Override
    public void close() throws IOException {
        http.stop(0);
        tls.close();
        handshakes.shutdownNow();
    }

    /** Picks the challenge certificate by the SNI name of the handshake in progress. */
    private static final class ChallengeKeys extends X509ExtendedKeyManager {
        private final TlsAlpn01Certificates certificates;

        ChallengeKeys(TlsAlpn01Certificates certificates) {
            this.certificates = certificates;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return alias(keyType, ((SSLSocket) socket).getHandshakeSession());
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return alias(keyType, engine.getHandshakeSession());
        }

        private String alias(String keyType, SSLSession session) {
            if (!(session instanceof ExtendedSSLSession extended)) {
                return null;
            }
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name instanceof SNIHostName host && certificates.lookup(host.getAsciiName())
                        .filter(e -> e.key().getPrivate().getAlgorithm().equals(keyType)
                                || keyType.startsWith(e.key().getPrivate().getAlgorithm()))
                        .isPresent()) {
                    return host.getAsciiName();
                }
            }
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return certificates.lookup(alias).map(e -> new X509Certificate[]{e.certificate()}).orElse(null);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return certificates.lookup(alias).map(e -> e.key().getPrivate()).orElse(null);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
