package dev.gatehouse.acme;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real pebble ACME server (Debian package {@code pebble}) for tests, with {@code pebble-challtestsrv} as its DNS:
 * every name resolves to 127.0.0.1, so pebble validates HTTP-01 on 127.0.0.1:{@code httpPort} and TLS-ALPN-01 on
 * 127.0.0.1:{@code tlsPort}, where the test's own responders listen. Challenges are really checked
 * (PEBBLE_VA_ALWAYS_VALID is never set). Pebble's HTTPS certificate is made here and trusted through
 * {@link #trustPem()}. {@link #close()} kills both processes and removes the temp directory.
 *
 * <pre>{@code
 * try (Pebble pebble = Pebble.builder().httpPort(httpPort).tlsPort(tlsPort).start()) {
 *     new AcmeSettings(List.of(pebble.directory()), Optional.of(pebble.trustPem()), Optional.empty(), Optional.empty());
 * }
 * }</pre>
 */
public final class Pebble implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    /** Pebble's example EAB key (docs/pebble-config-external-account-bindings.json); base64url HMAC key. */
    public static final String EXAMPLE_EAB_KID = "kid-1";
    public static final String EXAMPLE_EAB_HMAC = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private int acmePort;
    private int managementPort;
    private ProcessBuilder pebbleCommand;
    private Process pebbleProcess;

    private Pebble(Path dir) {
        this.dir = dir;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What pebble is started with. */
    public static final class Builder {
        private int httpPort = 5002;
        private int tlsPort = 5001;
        private final Map<String, String> eab = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private String dnsServer;

        private Builder() {
            env.put("PEBBLE_VA_NOSLEEP", "1");     // no random 0-15 s sleep before each validation
            env.put("PEBBLE_WFE_NONCEREJECT", "0"); // no random badNonce rejections
            env.put("PEBBLE_AUTHZREUSE", "0");      // every order really validates its challenges
        }

        /** Port where pebble's VA fetches HTTP-01 answers on 127.0.0.1 (the test's http responder). */
        public Builder httpPort(int port) {
            this.httpPort = port;
            return this;
        }

        /** Port where pebble's VA makes TLS-ALPN-01 handshakes on 127.0.0.1 (the test's tls responder). */
        public Builder tlsPort(int port) {
            this.tlsPort = port;
            return this;
        }

        /** Requires External Account Binding and accepts this key id with this base64url HMAC key. */
        public Builder eab(String keyId, String hmacKey) {
            eab.put(keyId, hmacKey);
            return this;
        }

        /**
         * Resolves every name at this DNS server ({@code 127.0.0.1:PORT}, asked over UDP) instead of
         * pebble-challtestsrv: for DNS-01 tests against a real authoritative server or resolver.
         */
        public Builder dnsServer(String hostPort) {
            this.dnsServer = hostPort;
            return this;
        }

        /** Another pebble environment variable, e.g. {@code PEBBLE_AUTHZREUSE=50}. */
        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Pebble start() throws IOException, InterruptedException {
            Path pebbleBin = executable("pebble");
            Path challtestsrvBin = executable("pebble-challtestsrv");
            Pebble pebble = new Pebble(Files.createTempDirectory("pebble"));
            try {
                pebble.start(this, pebbleBin, challtestsrvBin);
                return pebble;
            } catch (IOException | InterruptedException | RuntimeException | Error e) {
                pebble.close();
                throw e;
            }
        }
    }

    /** The ACME directory URL. */
    public URI directory() {
        return URI.create("https://127.0.0.1:" + acmePort + "/dir");
    }

    /** PEM of the CA that signed pebble's own HTTPS certificate: {@code acme.trust} for Gatehouse. */
    public Path trustPem() {
        return dir.resolve("trust.pem");
    }

    /** Pebble's issuing root (management API {@code /roots/0}); it is new for every pebble process. */
    public X509Certificate root() throws IOException, InterruptedException {
        return pem(management("/roots/0")).get(0);
    }

    /** The intermediate(s) pebble issues under (management API {@code /intermediates/0}). */
    public List<X509Certificate> intermediates() throws IOException, InterruptedException {
        return pem(management("/intermediates/0"));
    }

    /** Pebble's log so far, for assertion messages. */
    public String log() {
        return read(dir.resolve("pebble.log")) + read(dir.resolve("challtestsrv.log"));
    }

    @Override
    public void close() {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp files only
        }
    }

    private void start(Builder b, Path pebbleBin, Path challtestsrvBin) throws IOException, InterruptedException {
        writeServerCertificate();
        acmePort = freePort();
        managementPort = freePort();
        String dnsServer = b.dnsServer;
        if (dnsServer == null) {
            int dnsPort = freePort();
            int challtestsrvManagement = freePort();
            // Mock DNS only: its own http-01/tls-alpn-01 servers would take the ports our responders listen on.
            // No AAAA answers, so pebble's VA dials 127.0.0.1 and nothing else.
            processes.add(new ProcessBuilder(challtestsrvBin.toString(),
                    "-management", "127.0.0.1:" + challtestsrvManagement,
                    "-dns01", "127.0.0.1:" + dnsPort,
                    "-http01", "", "-https01", "", "-tlsalpn01", "",
                    "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("challtestsrv.log").toFile()).start());
            awaitPort(challtestsrvManagement, "pebble-challtestsrv");
            dnsServer = "127.0.0.1:" + dnsPort;
        }

        StringBuilder eabJson = new StringBuilder();
        b.eab.forEach((k, v) -> eabJson.append(eabJson.length() == 0 ? "" : ",").append('"').append(k).append("\":\"").append(v).append('"'));
        String config = """
                {"pebble": {
                  "listenAddress": "127.0.0.1:%d",
                  "managementListenAddress": "127.0.0.1:%d",
                  "certificate": "%s",
                  "privateKey": "%s",
                  "httpPort": %d,
                  "tlsPort": %d,
                  "ocspResponderURL": "",
                  "externalAccountBindingRequired": %s,
                  "externalAccountMACKeys": {%s}
                }}
                """.formatted(acmePort, managementPort, dir.resolve("cert.pem"), dir.resolve("key.pem"),
                b.httpPort, b.tlsPort, !b.eab.isEmpty(), eabJson);
        Path configFile = Files.writeString(dir.resolve("pebble-config.json"), config);
        ProcessBuilder pb = new ProcessBuilder(pebbleBin.toString(), "-config", configFile.toString(),
                "-dnsserver", dnsServer)
                .redirectErrorStream(true).redirectOutput(dir.resolve("pebble.log").toFile());
        pb.environment().remove("PEBBLE_VA_ALWAYS_VALID"); // challenges must really be answered
        pb.environment().putAll(b.env);
        pebbleCommand = pb;
        pebbleProcess = pb.start();
        processes.add(pebbleProcess);
        awaitPort(acmePort, "pebble");
        awaitPort(managementPort, "pebble management");
    }

    /**
     * Kills pebble (not its DNS) and starts it again on the same ports with the same HTTPS certificate, so
     * {@link #directory()} and {@link #trustPem()} stay valid; pebble keeps everything in memory, so the new one
     * knows no accounts, orders or certificates and issues under a new root.
     */
    public void restart() throws IOException, InterruptedException {
        stopCa();
        startCa();
    }

    /** Kills pebble (not its DNS): the CA is down until {@link #startCa()}. */
    public void stopCa() throws InterruptedException {
        pebbleProcess.destroy();
        if (!pebbleProcess.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
            pebbleProcess.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        }
        processes.remove(pebbleProcess);
        awaitPortClosed(acmePort);
        awaitPortClosed(managementPort);
    }

    /** Starts pebble again on the same ports after {@link #stopCa()}: a new CA with a new root and no accounts. */
    public void startCa() throws IOException, InterruptedException {
        pebbleCommand.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("pebble.log").toFile()));
        pebbleProcess = pebbleCommand.start();
        processes.add(pebbleProcess);
        awaitPort(acmePort, "pebble (restarted)");
        awaitPort(managementPort, "pebble management (restarted)");
    }

    private static void awaitPortClosed(int port) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                Thread.sleep(50);
            } catch (IOException closed) {
                return;
            }
        }
        throw new IllegalStateException("127.0.0.1:" + port + " still accepting after " + START_TIMEOUT);
    }

    private static Path executable(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        Path p = Path.of("/usr/bin", name);
        if (Files.isExecutable(p)) {
            return p;
        }
        throw new AssertionError(name + " not found on PATH (expected: the Debian package; run: apt-get install pebble)");
    }

    private void awaitPort(int port, String what) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(what + " exited with " + p.exitValue() + " before listening on "
                            + port + ":\n" + log());
                }
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException(what + " not listening on 127.0.0.1:" + port + " after " + START_TIMEOUT + ":\n" + log());
    }

    private String management(String path) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().sslContext(trustContext()).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + managementPort + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("pebble management " + path + ": status " + response.statusCode());
        }
        return response.body();
    }

    private SSLContext trustContext() throws IOException {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("pebble-https", pem(Files.readString(trustPem())).get(0));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    static List<X509Certificate> pem(String pem) throws IOException {
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                out.add((X509Certificate) c);
            }
            return out;
        } catch (java.security.cert.CertificateException e) {
            throw new IOException(e);
        }
    }

    /** A throwaway CA and a localhost/127.0.0.1 certificate for pebble's HTTPS listeners. */
    private void writeServerCertificate() throws IOException {
        try {
            KeyPair caKey = ecKey();
            KeyPair serverKey = ecKey();
            Instant now = Instant.now();
            X500Name caName = new X500Name("CN=Gatehouse test pebble HTTPS CA");
            X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE,
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), caName, caKey.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate caCert = sign(ca, caKey);
            X509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO,
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))),
                    new X500Name("CN=localhost"), serverKey.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                            new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            X509Certificate serverCert = sign(server, caKey);
            Files.writeString(dir.resolve("trust.pem"), toPem("CERTIFICATE", caCert.getEncoded()));
            Files.writeString(dir.resolve("cert.pem"), toPem("CERTIFICATE", serverCert.getEncoded()));
            Files.writeString(dir.resolve("key.pem"), toPem("PRIVATE KEY", serverKey.getPrivate().getEncoded()));
        } catch (java.security.GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IOException("test certificate for pebble: " + e, e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuerKey)
            throws org.bouncycastle.operator.OperatorCreationException, java.security.cert.CertificateException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
    }

    static KeyPair ecKey() throws java.security.GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static String toPem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
