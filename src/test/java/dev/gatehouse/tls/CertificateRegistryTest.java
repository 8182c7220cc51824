package dev.gatehouse.tls;

import dev.gatehouse.certificates.LocalCa;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateRegistryTest {

    private static LocalCa ca;

    @BeforeAll
    static void localCa(@TempDir Path temp) throws Exception {
        CertificateStore storage = new CertificateStore(new FileStorage(temp));
        storage.open();
        ca = LocalCa.loadOrCreate(storage, Clock.systemUTC());
    }

    private final CertificateRegistry registry =
            new CertificateRegistry(new SslContexts(TlsProvider.JDK, List.of(SslContexts.HTTP_1_1)));

    @Test
    void selectionOrder() throws Exception {
        registry.put("A.Test.", ca.issue(List.of("a.test")));
        registry.put("*.apps.test", ca.issue(List.of("*.apps.test")));
        registry.put("::1", ca.issue(List.of("::1")));
        registry.putChallenge("a.test", ca.issue(List.of("a.test")));
        SslContext a = registry.contextFor("a.test").orElseThrow();

        assertThat(registry.names()).containsExactly("*.apps.test", "::1", "a.test");
        assertThat(registry.select("a.test", List.of("h2"), true, null).context()).isSameAs(a);
        assertThat(registry.select("a.test", List.of("acme-tls/1"), true, null).challenge()).isTrue();
        assertThat(registry.select("b.test", List.of("acme-tls/1"), true, null).context()).isNull();
        assertThat(registry.contextFor("x.apps.test")).isPresent();
        assertThat(registry.contextFor("y.x.apps.test")).isEmpty();
        assertThat(registry.contextFor("apps.test")).isEmpty();
        assertThat(registry.select(null, List.of(), true, InetAddress.getByName("::1")).context()).isNotNull();
        assertThat(registry.select(null, List.of(), true, InetAddress.getByName("127.0.0.1")).context()).isNull();

        registry.setDefault("a.test");
        assertThat(registry.contextFor("unknown.test")).containsSame(a);
        assertThat(registry.mapping().map("unknown.test")).isSameAs(a);
        registry.clearDefault();
        assertThat(registry.mapping().map("unknown.test")).isNull();

        assertThat(registry.remove("a.test")).isTrue();
        assertThat(registry.contextFor("a.test")).isEmpty();
    }
}
