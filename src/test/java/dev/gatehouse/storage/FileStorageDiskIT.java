package dev.gatehouse.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk and a real read-only file system, on a 256 KiB tmpfs. Needs root (mount); skipped otherwise.
 * Root ignores file modes, which is why a chmod'ed directory cannot stand in for these.
 */
class FileStorageDiskIT {

    @TempDir
    Path temp;
    private Path mount;

    @BeforeEach
    void mountTmpfs() throws Exception {
        mount = temp.resolve("small");
        Files.createDirectories(mount);
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", mount.toString()) == 0,
                "mounting a tmpfs needs root");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            run("umount", "-l", mount.toString());
        }
    }

    @Test
    void fullDiskKeepsThePreviousCertificateAndSaysDiskFull() throws Exception {
        CertificateStore storage = new CertificateStore(new FileStorage(mount.resolve("data")));
        storage.open();
        CertifiedKey first = TestCertificates.withChain("a.example.com");
        storage.saveCertificate("a.example.com", first);
        fill(mount.resolve("filler"));

        assertThatThrownBy(() -> storage.saveCertificate("a.example.com", TestCertificates.withChain("a.example.com")))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("disk full")
                .hasMessageContaining("a.example.com");

        assertThat(storage.loadCertificate("a.example.com")).contains(first);
    }

    @Test
    void readOnlyFileSystemKeepsThePreviousCertificateAndSaysSo() throws Exception {
        CertificateStore storage = new CertificateStore(new FileStorage(mount.resolve("data")));
        storage.open();
        CertifiedKey first = TestCertificates.withChain("a.example.com");
        storage.saveCertificate("a.example.com", first);
        assertThat(run("mount", "-o", "remount,ro", mount.toString())).isZero();

        assertThatThrownBy(() -> storage.saveCertificate("a.example.com", TestCertificates.withChain("a.example.com")))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("read-only file system");

        assertThat(storage.loadCertificate("a.example.com")).contains(first);
    }

    private static void fill(Path file) {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException expected) {
            // No space left on device: the disk is full now.
        }
    }

    private static int run(String... command) throws Exception {
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
