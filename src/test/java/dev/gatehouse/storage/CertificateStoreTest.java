package dev.gatehouse.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The typed layout of certificates, accounts and the local CA, on a file store (paths as in docs/storage.md). */
class CertificateStoreTest {

    @TempDir
    Path temp;

    private CertificateStore open() throws Exception {
        CertificateStore storage = new CertificateStore(new FileStorage(temp.resolve("data")));
        storage.open();
        return storage;
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void certificateRoundTripWithDocumentedLayoutAndModes() throws Exception {
        CertificateStore storage = open();
        CertifiedKey cert = TestCertificates.withChain("app.example.com");

        storage.saveCertificate("App.Example.com", cert);

        Path dir = temp.resolve("data/certificates/app.example.com");
        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("key.pem"))).isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve("cert.pem"))).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(storage.loadCertificate("app.example.com")).contains(cert);
        assertThat(storage.loadCertificate("other.example.com")).isEmpty();
        assertThat(storage.certificateNames()).containsExactly("app.example.com");
    }

    @Test
    void wildcardIsStoredUnderASafeFileName() throws Exception {
        CertificateStore storage = open();
        CertifiedKey cert = TestCertificates.withChain("*.example.com");

        storage.saveCertificate("*.example.com", cert);

        assertThat(temp.resolve("data/certificates/_wildcard_.example.com/cert.pem")).exists();
        assertThat(storage.loadCertificate("*.example.com")).contains(cert);
        assertThat(storage.certificateNames()).containsExactly("*.example.com");
        assertThat(CertificateStore.fileName("*.Example.COM")).isEqualTo("_wildcard_.example.com");
    }

    @Test
    void namesThatCouldEscapeTheDirectoryAreRefused() {
        for (String bad : new String[] {"../etc", "a/b", "..", "", "a b", "*.*.example.com", "a..b"}) {
            assertThatThrownBy(() -> CertificateStore.fileName(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected");
        }
        assertThat(CertificateStore.fileName("127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(CertificateStore.fileName("::1")).isEqualTo("::1");
    }

    @Test
    void replaceIsAtomicAndLeavesNoTemporaryFiles() throws Exception {
        CertificateStore storage = open();
        storage.saveCertificate("a.example.com", TestCertificates.withChain("a.example.com"));
        CertifiedKey second = TestCertificates.withChain("a.example.com");

        storage.saveCertificate("a.example.com", second);

        assertThat(storage.loadCertificate("a.example.com")).contains(second);
        try (Stream<Path> files = Files.list(temp.resolve("data/certificates/a.example.com"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("cert.pem", "key.pem");
        }
    }

    @Test
    void failedWriteKeepsThePreviousFilesAndSaysWhy() throws Exception {
        CertificateStore storage = open();
        CertifiedKey cert = TestCertificates.withChain("a.example.com");
        storage.saveCertificate("a.example.com", cert);
        storage.saveMeta("a.example.com", CertificateMeta.of(CertificateMeta.Source.ACME));
        // The meta file's place is taken by a non-empty directory: the rename over it must fail.
        Path meta = temp.resolve("data/certificates/a.example.com/meta.properties");
        Files.delete(meta);
        Files.createDirectories(meta.resolve("blocker"));

        assertThatThrownBy(() -> storage.saveMeta("a.example.com", CertificateMeta.of(CertificateMeta.Source.FILES)))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("meta.properties");

        assertThat(storage.loadCertificate("a.example.com")).contains(cert);
        try (Stream<Path> files = Files.list(meta.getParent())) {
            assertThat(files.filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void metaRoundTrip() throws Exception {
        CertificateStore storage = open();
        Instant at = Instant.parse("2025-01-02T03:04:05Z");
        CertificateMeta meta = CertificateMeta.of(CertificateMeta.Source.ACME)
                .withDirectory(URI.create("https://acme.example/dir"))
                .withFailure("rateLimited: too many\n  certificates: retry after 2025-01-03", at)
                .withNextRenewal(at.plusSeconds(3600));

        storage.saveMeta("a.example.com", meta);

        assertThat(storage.loadMeta("a.example.com")).contains(meta);
        assertThat(Files.readString(temp.resolve("data/certificates/a.example.com/meta.properties")))
                .contains("source=acme", "directory=https://acme.example/dir", "last_attempt=2025-01-02T03:04:05Z");
        assertThat(storage.loadMeta("b.example.com")).isEmpty();
    }

    @Test
    void accountKeyPerDirectoryHostWithMode0600() throws Exception {
        CertificateStore storage = open();
        KeyPair key = TestCertificates.ec();
        URI pebble = URI.create("https://localhost:14000/dir");

        storage.saveAccountKey(pebble, key.getPrivate());

        Path file = temp.resolve("data/accounts/localhost_14000/account.key");
        assertThat(mode(file)).isEqualTo("rw-------");
        Optional<KeyPair> loaded = storage.loadAccountKey(pebble);
        assertThat(loaded).isPresent();
        assertThat(loaded.get().getPrivate()).isEqualTo(key.getPrivate());
        assertThat(loaded.get().getPublic()).isEqualTo(key.getPublic());
        assertThat(storage.loadAccountKey(URI.create("https://acme-v02.api.letsencrypt.org/directory"))).isEmpty();
    }

    @Test
    void localCaFilesWithKeyMode0600() throws Exception {
        CertificateStore storage = open();
        CertifiedKey root = TestCertificates.selfSigned(TestCertificates.ec(), "Test Root");

        storage.saveLocalCa(root);

        assertThat(mode(temp.resolve("data/local-ca/root.key"))).isEqualTo("rw-------");
        assertThat(storage.loadLocalCa()).contains(root);
    }

    @Test
    void keyOfAnotherCertificateIsReportedNotServed() throws Exception {
        CertificateStore storage = open();
        storage.saveCertificate("a.example.com", TestCertificates.withChain("a.example.com"));
        Files.writeString(temp.resolve("data/certificates/a.example.com/key.pem"),
                Pem.writePrivateKey(TestCertificates.ec().getPrivate()));

        assertThatThrownBy(() -> storage.loadCertificate("a.example.com"))
                .isInstanceOf(StorageException.class).hasMessageContaining("does not match");
    }

    @Test
    void deleteRemovesTheDirectory() throws Exception {
        CertificateStore storage = open();
        storage.saveCertificate("a.example.com", TestCertificates.withChain("a.example.com"));

        assertThat(storage.deleteCertificate("a.example.com")).isTrue();
        assertThat(storage.deleteCertificate("a.example.com")).isFalse();
        assertThat(storage.certificateNames()).isEmpty();
    }

    @Test
    void requestsAreTakenOnce() throws Exception {
        CertificateStore storage = open();

        String key = storage.leaveRequest("renew", "WWW.example.com");

        assertThat(key).isEqualTo("requests/renew/www.example.com");
        assertThat(temp.resolve("data/requests/renew/www.example.com")).hasContent("WWW.example.com");
        assertThat(storage.takeRequests("renew")).containsExactly("WWW.example.com");
        assertThat(storage.takeRequests("renew")).isEmpty();
        assertThat(storage.takeRequests("reload")).isEmpty();
    }

    @Test
    void aSecondCertificateOfASiteHasItsOwnName() throws Exception {
        CertificateStore storage = open();
        CertifiedKey rsa = TestCertificates.withChain("a.example.com");

        storage.saveCertificate("a.example.com+rsa2048", rsa);

        assertThat(temp.resolve("data/certificates/a.example.com+rsa2048/cert.pem")).exists();
        assertThat(storage.loadCertificate("a.example.com+rsa2048")).contains(rsa);
        assertThat(storage.loadCertificate("a.example.com")).isEmpty();
    }
}
