package dev.gatehouse.certificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.storage.CertifiedKey;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.Pem;
import dev.gatehouse.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCertificateTest {

    @TempDir
    Path temp;
    private LocalCa ca;
    private Path certFile;
    private Path keyFile;
    private ScheduledExecutorService scheduler;
    private int touches;

    @BeforeEach
    void setUp() throws Exception {
        CertificateStore storage = new CertificateStore(new FileStorage(temp.resolve("data")));
        storage.open();
        ca = LocalCa.loadOrCreate(storage, Clock.systemUTC());
        certFile = temp.resolve("fullchain.pem");
        keyFile = temp.resolve("privkey.pem");
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void tearDown() throws Exception {
        scheduler.shutdownNow();
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void write(CertifiedKey certificate) throws Exception {
        write(Pem.writeCertificates(certificate.chain()), Pem.writePrivateKey(certificate.key()));
    }

    /** Writes both files and moves their mtime forward, so the change shows even within one clock tick. */
    private void write(String certPem, String keyPem) throws Exception {
        touches++;
        FileTime later = FileTime.from(Instant.now().plusSeconds(10L * touches));
        Files.writeString(keyFile, keyPem);
        Files.writeString(certFile, certPem);
        Files.setLastModifiedTime(keyFile, later);
        Files.setLastModifiedTime(certFile, later);
    }

    @Test
    void loadsAMatchingPair() throws Exception {
        CertifiedKey issued = ca.issue(List.of("files.test"));
        write(issued);

        assertThat(new FileCertificate(certFile, keyFile).load()).isEqualTo(issued);
    }

    @Test
    void mismatchedKeyNamesBothFiles() throws Exception {
        CertifiedKey one = ca.issue(List.of("files.test"));
        CertifiedKey other = ca.issue(List.of("files.test"));
        write(Pem.writeCertificates(one.chain()), Pem.writePrivateKey(other.key()));

        assertThatThrownBy(() -> new FileCertificate(certFile, keyFile).load())
                .isInstanceOf(CertificateFileException.class)
                .hasMessageContaining(keyFile.toString())
                .hasMessageContaining(certFile.toString())
                .hasMessageContaining("does not match");
    }

    @Test
    void missingOrGarbageFilesAreNamed() throws Exception {
        assertThatThrownBy(() -> new FileCertificate(certFile, keyFile).load())
                .hasMessageContaining(certFile + " does not exist");
        write("not a certificate", "not a key");
        assertThatThrownBy(() -> new FileCertificate(certFile, keyFile).load())
                .hasMessageContaining("certificate file " + certFile).hasMessageContaining("BEGIN CERTIFICATE");
    }

    @Test
    void watchReloadsOnChangeAndKeepsTheOldPairWhenTheNewOneIsBroken() throws Exception {
        CertifiedKey first = ca.issue(List.of("files.test"));
        write(first);
        FileCertificate files = new FileCertificate(certFile, keyFile);
        AtomicReference<CertifiedKey> serving = new AtomicReference<>(files.load());

        try (LogCapture log = LogCapture.of("dev.gatehouse.certificates");
             FileCertificate.Watch ignored = files.watch(scheduler, Duration.ofMillis(20), serving::set)) {
            CertifiedKey second = ca.issue(List.of("files.test"));
            write(second);
            awaitServing(serving, second);

            write("-----BEGIN CERTIFICATE-----\ntruncated", Pem.writePrivateKey(second.key()));

            assertThat(log.await(l -> l.startsWith("ERROR") && l.contains("reload failed")
                    && l.contains("still serving the previous certificate"), Duration.ofSeconds(5))).isNotNull();
            Thread.sleep(100);
            assertThat(serving.get()).isEqualTo(second);
            assertThat(log.lines().stream().filter(l -> l.contains("reload failed")))
                    .as("one error per change, not per poll").hasSize(1);

            CertifiedKey third = ca.issue(List.of("files.test"));
            write(third);
            awaitServing(serving, third);
        }
    }

    private static void awaitServing(AtomicReference<CertifiedKey> serving, CertifiedKey expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!expected.equals(serving.get()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(serving.get()).isEqualTo(expected);
    }
}
