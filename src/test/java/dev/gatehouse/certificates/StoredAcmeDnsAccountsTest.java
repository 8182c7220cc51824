package dev.gatehouse.certificates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.config.DnsSettings.AcmeDnsAccount;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredAcmeDnsAccountsTest {
    private static final URI API = URI.create("https://auth.example.org:8443");

    @TempDir
    Path dir;

    @Test
    void keptPerApiAndDomainReadableByTheOwnerOnly() throws Exception {
        StoredAcmeDnsAccounts accounts = new StoredAcmeDnsAccounts(new CertificateStore(new FileStorage(dir)));
        AcmeDnsAccount account = new AcmeDnsAccount("user-1", "p4ssw0rd", "sub-1", "sub-1.auth.example.org");

        assertThat(accounts.load(API, "example.com")).isEmpty();
        accounts.save(API, "example.com", account);

        assertThat(new StoredAcmeDnsAccounts(new CertificateStore(new FileStorage(dir))).load(API, "example.com")).contains(account);
        assertThat(accounts.load(API, "example.net")).isEmpty();
        assertThat(accounts.load(URI.create("https://auth.example.org"), "example.com")).isEmpty();
        Path file = dir.resolve("dns/acme-dns/auth.example.org_8443/example.com.json");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (var files = Files.list(file.getParent())) {
            assertThat(files).as("no temporary file left").containsExactly(file);
        }
    }
}
