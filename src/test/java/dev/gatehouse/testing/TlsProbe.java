package dev.gatehouse.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A JDK TLS client for HTTPS tests: connects to 127.0.0.1 with the SNI name of choice (the JDK sends none for
 * dotless names or IP literals on its own), verifies the chain against the given roots only, and speaks just enough
 * HTTP/1.1 to send a GET and read a Content-Length or close-delimited response on a kept-alive connection.
 * Every connection gets a fresh client {@link SSLContext}: the JDK would otherwise resume the previous session to
 * the same address, sending that session's SNI name instead of the one asked for and showing its old certificate.
 */
public final class TlsProbe implements AutoCloseable {
    private final SSLSocket socket;
    private final InputStream in;

    private TlsProbe(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /** An HTTP response as the client saw it; header names lower case. */
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Roots a client trusts, and nothing else. */
    public record Trust(List<X509Certificate> roots) {
        /** A new client context (with an empty session cache) trusting only {@link #roots}. */
        public SSLContext newContext() {
            try {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                for (int i = 0; i < roots.size(); i++) {
                    store.setCertificateEntry("root-" + i, roots.get(i));
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(store);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, tmf.getTrustManagers(), null);
                return context;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Connects and completes the handshake; throws {@link javax.net.ssl.SSLException} when it fails. */
    public static TlsProbe connect(int port, String sni, Trust trust) throws IOException {
        SSLSocket socket = (SSLSocket) trust.newContext().getSocketFactory().createSocket();
        try {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            socket.setSoTimeout(5000);
            SSLParameters parameters = socket.getSSLParameters();
            if (sni != null) {
                parameters.setServerNames(List.of(new SNIHostName(sni)));
            }
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return new TlsProbe(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The leaf certificate served to {@code sni} (chain verified against {@code trust}). */
    public static X509Certificate leaf(int port, String sni, Trust trust) throws IOException {
        try (TlsProbe probe = connect(port, sni, trust)) {
            return probe.leaf();
        }
    }

    /** One GET on a new connection. */
    public static Response get(int port, String sni, Trust trust, String host, String path) throws IOException {
        try (TlsProbe probe = connect(port, sni, trust)) {
            return probe.get(host, path);
        }
    }

    public X509Certificate leaf() throws IOException {
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }

    public List<X509Certificate> chain() throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : socket.getSession().getPeerCertificates()) {
            chain.add((X509Certificate) c);
        }
        return chain;
    }

    /** A keep-alive GET on this connection. */
    public Response get(String host, String path) throws IOException {
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return read(in);
    }

    /** Reads one response head and a Content-Length (or close-delimited) body. */
    public static Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        byte[] body;
        if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String s = out.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            out.write(b);
        }
        return out.size() == 0 ? null : out.toString(StandardCharsets.US_ASCII);
    }

    /** Trust in {@code roots} and nothing else. */
    public static Trust trusting(X509Certificate... roots) {
        return new Trust(List.of(roots));
    }

    /** Trust in the certificates of a PEM file. */
    public static Trust trusting(Path pem) throws IOException {
        return new Trust(readPem(pem));
    }

    /** The certificates of a PEM file. */
    public static List<X509Certificate> readPem(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            return out;
        } catch (java.security.cert.CertificateException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Calls {@code probe} every 100 ms until its result passes {@code done} or {@code timeout} is up; returns the
     * last result (which the caller asserts on), or rethrows the last failure when there was no result at all.
     */
    public static <T> T poll(Duration timeout, Callable<T> probe, Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        Exception failure = null;
        while (true) {
            try {
                last = probe.call();
                failure = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (Exception e) {
                failure = e;
            }
            if (System.nanoTime() > deadline) {
                if (last == null && failure != null) {
                    throw failure;
                }
                return last;
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
