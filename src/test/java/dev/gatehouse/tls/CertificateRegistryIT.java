package dev.gatehouse.tls;

import dev.gatehouse.certificates.LocalCa;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatehouse.storage.CertifiedKey;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.testing.LogCapture;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** SNI and ALPN selection through real handshakes, with each TLS provider. */
class CertificateRegistryIT {

    private static LocalCa ca;
    private static X509Certificate root;

    @BeforeAll
    static void localCa(@TempDir Path temp) throws Exception {
        CertificateStore storage = new CertificateStore(new FileStorage(temp));
        storage.open();
        ca = LocalCa.loadOrCreate(storage, Clock.systemUTC());
        root = ca.root().leaf();
    }

    private static CertificateRegistry registry(TlsProvider provider) {
        assumeTrue(provider.isAvailable(), provider + " not available here");
        return new CertificateRegistry(new SslContexts(provider, List.of(SslContexts.HTTP_1_1)));
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void exactNameGetsItsCertificate(TlsProvider provider) throws Exception {
        CertificateRegistry registry = registry(provider);
        CertifiedKey a = ca.issue(List.of("a.test"));
        registry.put("a.test", a);
        registry.put("b.test", ca.issue(List.of("b.test")));

        try (TlsTestServer server = new TlsTestServer(registry);
             TlsClient client = TlsClient.connect(root, server.port(), "a.test")) {
            assertThat(client.readLine()).isEqualTo("hello a.test http/1.1");
            assertThat(client.peer()).isEqualTo(a.leaf());
            assertThat(client.socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void wildcardMatchesExactlyOneLabel(TlsProvider provider) throws Exception {
        CertificateRegistry registry = registry(provider);
        CertifiedKey wildcard = ca.issue(List.of("*.apps.test"));
        registry.put("*.apps.test", wildcard);

        try (TlsTestServer server = new TlsTestServer(registry)) {
            try (TlsClient client = TlsClient.connect(root, server.port(), "one.apps.test")) {
                assertThat(client.peer()).isEqualTo(wildcard.leaf());
                assertThat(client.readLine()).isEqualTo("hello one.apps.test http/1.1");
            }
            assertThatThrownBy(() -> TlsClient.connect(root, server.port(), "two.one.apps.test").close())
                    .isInstanceOf(SSLException.class);
            assertThatThrownBy(() -> TlsClient.connect(root, server.port(), "apps.test").close())
                    .isInstanceOf(SSLException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void unknownNameGetsTheDefault(TlsProvider provider) throws Exception {
        CertificateRegistry registry = registry(provider);
        CertifiedKey fallback = ca.issue(List.of("localhost"));
        registry.put("localhost", fallback);
        registry.setDefault("localhost");

        try (TlsTestServer server = new TlsTestServer(registry)) {
            try (TlsClient client = TlsClient.connect(root, server.port(), "unknown.test")) {
                assertThat(client.peer()).isEqualTo(fallback.leaf());
                assertThat(client.readLine()).isEqualTo("hello unknown.test http/1.1");
            }
            try (TlsClient client = TlsClient.connect(root, server.port(), null)) {
                assertThat(client.peer()).isEqualTo(fallback.leaf());
                assertThat(client.readLine()).isEqualTo("hello - http/1.1");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void withoutSniTheLocalAddressIsTried(TlsProvider provider) throws Exception {
        CertificateRegistry registry = registry(provider);
        String loopback = InetAddress.getLoopbackAddress().getHostAddress();
        CertifiedKey ip = ca.issue(List.of(loopback));
        registry.put(loopback, ip);

        try (TlsTestServer server = new TlsTestServer(registry);
             TlsClient client = TlsClient.connect(root, server.port(), null)) {
            assertThat(client.peer()).isEqualTo(ip.leaf());
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void unknownNameWithoutDefaultFailsCleanly(TlsProvider provider) throws Exception {
        CertificateRegistry registry = registry(provider);
        registry.put("a.test", ca.issue(List.of("a.test")));

        try (TlsTestServer server = new TlsTestServer(registry);
             LogCapture gatehouse = LogCapture.of("dev.gatehouse");
             LogCapture netty = LogCapture.of("io.netty")) {
            assertThatThrownBy(() -> TlsClient.connect(root, server.port(), "nobody.test").close())
                    .isInstanceOf(SSLException.class)
                    .hasMessageContaining("unrecognized_name");
            assertThatThrownBy(() -> TlsClient.connect(root, server.port(), null).close())
                    .isInstanceOf(SSLException.class);
            // The server is still fine afterwards.
            try (TlsClient client = TlsClient.connect(root, server.port(), "a.test")) {
                assertThat(client.readLine()).isEqualTo("hello a.test http/1.1");
            }
            assertThat(gatehouse.lines()).noneMatch(l -> l.startsWith("WARN") || l.startsWith("ERROR"));
            assertThat(netty.lines()).noneMatch(l -> l.startsWith("WARN") || l.startsWith("ERROR"));
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void hotSwapServesNewHandshakesAndKeepsOpenConnections(TlsProvider provider) throws Exception {
        CertificateRegistry registry = registry(provider);
        CertifiedKey first = ca.issue(List.of("a.test"));
        CertifiedKey second = ca.issue(List.of("a.test"));
        registry.put("a.test", first);

        try (TlsTestServer server = new TlsTestServer(registry);
             TlsClient a = TlsClient.connect(root, server.port(), "a.test")) {
            assertThat(a.readLine()).startsWith("hello a.test");
            assertThat(a.peer()).isEqualTo(first.leaf());

            registry.put("a.test", second);

            try (TlsClient b = TlsClient.connect(root, server.port(), "a.test")) {
                assertThat(b.peer()).isEqualTo(second.leaf());
                assertThat(b.readLine()).startsWith("hello a.test");
            }
            assertThat(a.echo("still here")).isEqualTo("still here");
            assertThat(a.peer()).isEqualTo(first.leaf());
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void tls12WorksWithAnAeadCipher(TlsProvider provider) throws Exception {
        CertificateRegistry registry = registry(provider);
        registry.put("a.test", ca.issue(List.of("a.test")));

        try (TlsTestServer server = new TlsTestServer(registry);
             TlsClient client = new TlsClient(root, server.port(), "a.test", List.of("http/1.1"), "TLSv1.2")) {
            client.socket.startHandshake();
            assertThat(client.socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
            assertThat(client.socket.getSession().getCipherSuite()).startsWith("TLS_ECDHE_ECDSA_WITH_")
                    .containsAnyOf("_GCM_", "CHACHA20_POLY1305");
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void tls11ClientIsRefused(TlsProvider provider) throws Exception {
        CertificateRegistry registry = registry(provider);
        registry.put("a.test", ca.issue(List.of("a.test")));
        // The JDK refuses to speak TLS 1.1 at all, so the ClientHello is made by hand: TLS 1.1, CBC suites.
        byte[] hello = ClientHellos.record(0x0301,
                ClientHellos.body(0x0302, "a.test", null, 0xc009, 0xc00a, 0xc013, 0xc014, 0x002f, 0x0035));

        try (TlsTestServer server = new TlsTestServer(registry);
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(hello);
            out.flush();
            InputStream in = socket.getInputStream();
            int first = in.read();
            assertThat(first).as("first byte: 21 = alert, -1 = closed; 22 would be a ServerHello").isIn(21, -1);
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void acmeTlsAlpnGetsTheChallengeCertificateAndIsClosed(TlsProvider provider) throws Exception {
        CertificateRegistry registry = registry(provider);
        CertifiedKey site = ca.issue(List.of("a.test"));
        CertifiedKey challenge = ca.issue(List.of("a.test"));
        registry.put("a.test", site);
        registry.putChallenge("a.test", challenge);

        try (TlsTestServer server = new TlsTestServer(registry)) {
            try (TlsClient validator = new TlsClient(root, server.port(), "a.test", List.of("acme-tls/1"))) {
                validator.socket.startHandshake();
                assertThat(validator.peer()).isEqualTo(challenge.leaf());
                assertThat(validator.socket.getApplicationProtocol()).isEqualTo("acme-tls/1");
                assertThat(validator.readLine()).as("no greeting, just close").isNull();
            }
            // A browser at the same time gets the site's certificate.
            try (TlsClient browser = TlsClient.connect(root, server.port(), "a.test")) {
                assertThat(browser.peer()).isEqualTo(site.leaf());
                assertThat(browser.readLine()).isEqualTo("hello a.test http/1.1");
            }
            registry.removeChallenge("a.test");
            try (TlsClient validator = new TlsClient(root, server.port(), "a.test", List.of("acme-tls/1"))) {
                validator.socket.startHandshake();
                assertThat(validator.peer()).isEqualTo(site.leaf());
            }
        }
    }
}
