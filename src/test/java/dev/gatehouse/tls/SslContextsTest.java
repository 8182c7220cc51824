package dev.gatehouse.tls;

import dev.gatehouse.certificates.LocalCa;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatehouse.storage.CertifiedKey;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SslContextsTest {

    private static CertifiedKey certificate;

    @BeforeAll
    static void issue(@TempDir Path temp) throws Exception {
        CertificateStore storage = new CertificateStore(new FileStorage(temp));
        storage.open();
        certificate = LocalCa.loadOrCreate(storage, Clock.systemUTC()).issue(List.of("a.test"));
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void onlyAeadForwardSecretCiphersAndTheGivenAlpn(TlsProvider provider) throws Exception {
        assumeTrue(provider.isAvailable());
        SslContexts contexts = new SslContexts(provider, List.of(SslContexts.H2, SslContexts.HTTP_1_1));

        SslContext server = contexts.server(certificate);
        SslContext challenge = contexts.acmeChallenge(certificate);

        assertThat(server.isServer()).isTrue();
        assertThat(server.cipherSuites()).isNotEmpty().allSatisfy(suite -> assertThat(suite)
                .matches("TLS_AES_.*_GCM_.*|TLS_CHACHA20_POLY1305_.*|TLS_ECDHE_(ECDSA|RSA)_WITH_.*(GCM|CHACHA20_POLY1305).*"));
        assertThat(server.applicationProtocolNegotiator().protocols()).containsExactly("h2", "http/1.1");
        assertThat(challenge.applicationProtocolNegotiator().protocols()).containsExactly("acme-tls/1");
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void ticketKeysRotateOnSchedule(TlsProvider provider) throws Exception {
        assumeTrue(provider.isAvailable());
        SslContexts contexts = new SslContexts(provider, List.of(SslContexts.HTTP_1_1));
        contexts.server(certificate);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            contexts.rotateTicketKeys();
            ScheduledFuture<?> rotation = contexts.scheduleTicketKeyRotation(scheduler, Duration.ofMillis(10));
            Thread.sleep(50);
            assertThat(rotation.isDone()).as("a failing rotation would have ended the schedule").isFalse();
            rotation.cancel(false);
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void acmeTlsIsNotAnApplicationProtocol() {
        assertThatThrownBy(() -> new SslContexts(TlsProvider.JDK, List.of("acme-tls/1")))
                .hasMessageContaining("acme-tls/1 has its own context");
        assertThatThrownBy(() -> new SslContexts(TlsProvider.JDK, List.of()))
                .hasMessageContaining("expected: at least one");
    }

    @Test
    void detectPrefersOpenSsl() {
        assertThat(TlsProvider.detect()).isEqualTo(TlsProvider.OPENSSL.isAvailable() ? TlsProvider.OPENSSL : TlsProvider.JDK);
    }
}
