package dev.gatehouse.certificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.storage.CertifiedKey;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalCaTest {

    @TempDir
    Path temp;

    private final Instant now = Instant.parse("2025-06-01T12:00:00Z");
    private final Clock clock = Clock.fixed(now, ZoneOffset.UTC);

    private LocalCa localCa() throws Exception {
        CertificateStore storage = new CertificateStore(new FileStorage(temp));
        storage.open();
        return LocalCa.loadOrCreate(storage, clock);
    }

    @Test
    void rootIsCreatedOnceStoredAndReloaded() throws Exception {
        LocalCa first = localCa();
        X509Certificate root = first.root().leaf();

        assertThat(root.getSubjectX500Principal().getName()).matches("CN=Gatehouse Local CA [0-9a-f]{8},O=Gatehouse");
        assertThat(root.getBasicConstraints()).isEqualTo(0);
        assertThat(root.getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(((ECPublicKey) root.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(Duration.between(root.getNotBefore().toInstant(), root.getNotAfter().toInstant()))
                .isGreaterThanOrEqualTo(LocalCa.ROOT_LIFETIME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(temp.resolve("local-ca/root.key"))))
                .isEqualTo("rw-------");

        LocalCa reloaded = localCa();

        assertThat(reloaded.root()).isEqualTo(first.root());
        assertThat(Pem.readCertificates(reloaded.rootPem())).containsExactly(root);
    }

    @Test
    void issuedLeafValidatesWithPkixAndCarriesProperSanTypes() throws Exception {
        LocalCa ca = localCa();

        CertifiedKey leaf = ca.issue(List.of("localhost", "*.localhost", "127.0.0.1", "::1"));

        X509Certificate cert = leaf.leaf();
        assertThat(leaf.keyMatches()).isTrue();
        assertThat(leaf.chain()).containsExactly(cert, ca.root().leaf());
        assertThat(cert.getSubjectAlternativeNames()).containsExactly(
                List.of(2, "localhost"), List.of(2, "*.localhost"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(Duration.between(now, cert.getNotAfter().toInstant())).isEqualTo(LocalCa.LEAF_LIFETIME);
        assertThat(leaf.names()).containsExactly("localhost", "*.localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");

        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca.root().leaf(), null)));
        parameters.setRevocationEnabled(false);
        parameters.setDate(Date.from(now));
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert)), parameters);
    }

    @Test
    void issueNeedsNames() throws Exception {
        LocalCa ca = localCa();
        assertThatThrownBy(() -> ca.issue(List.of())).hasMessageContaining("expected: at least one");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LOCALHOST.", "app.localhost", "*.localhost", "127.0.0.1", "::1", "[::1]",
            "10.1.2.3", "db.internal", "site.test", "printer.local", "nas.home.arpa", "intranet", "*.internal"})
    void coversNamesNoPublicCaWillCertify(String name) {
        assertThat(LocalCa.covers(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "app.example.com", "*.example.com", "localhost.example.com",
            "test.example", "home.arpa.example.com", ""})
    void leavesPublicNamesToAcme(String name) {
        assertThat(LocalCa.covers(name)).isFalse();
    }
}
