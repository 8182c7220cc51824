package dev.gatehouse.tls;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** A JDK TLS client trusting one root; one connection per instance. */
final class TlsClient implements AutoCloseable {

    final SSLSocket socket;
    private final BufferedReader in;

    TlsClient(X509Certificate root, int port, String sni, List<String> alpn, String... protocols) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("root", root);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        socket = (SSLSocket) context.getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        socket.setSoTimeout(5000);
        SSLParameters parameters = socket.getSSLParameters();
        if (sni != null) {
            parameters.setServerNames(List.of(new SNIHostName(sni)));
        }
        if (!alpn.isEmpty()) {
            parameters.setApplicationProtocols(alpn.toArray(new String[0]));
        }
        if (protocols.length > 0) {
            parameters.setProtocols(protocols);
        }
        socket.setSSLParameters(parameters);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    }

    static TlsClient connect(X509Certificate root, int port, String sni) throws Exception {
        TlsClient client = new TlsClient(root, port, sni, List.of("http/1.1"));
        client.socket.startHandshake();
        return client;
    }

    X509Certificate peer() throws Exception {
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }

    String readLine() throws Exception {
        return in.readLine();
    }

    String echo(String line) throws Exception {
        socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return in.readLine();
    }

    @Override
    public void close() throws Exception {
        socket.close();
    }
}
