package dev.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.storage.CertifiedKey;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.Pem;
import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.TlsProbe;
import dev.gatehouse.certificates.LocalCa;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tls: { cert, key }}: replacing the files on disk swaps the certificate without a restart. */
@Timeout(60)
class CertificateFilesReloadIT {
    private static final String LISTEN = "{ http: 0, https: 0, address: 127.0.0.1 }";
    private static final String YAML = """
            sites:
              files.test: { tls: { cert: site.pem, key: site.key }, respond: { status: 200, body: "files" } }
            """;

    @TempDir
    Path dir;

    @Test
    void newFilesAreServedToNewHandshakesAndABrokenReplacementKeepsTheOld() throws Exception {
        LocalCa ca = LocalCa.loadOrCreate(new CertificateStore(new FileStorage(dir.resolve("test-ca"))), Clock.systemUTC());
        TlsProbe.Trust trust = TlsProbe.trusting(ca.root().leaf());
        BigInteger first = replace(ca.issue(List.of("files.test")));

        try (TestGatehouse gh = TestGatehouse.startListening(LISTEN, YAML, dir);
             LogCapture log = LogCapture.of("dev.gatehouse.certificates")) {
            int port = gh.httpsPort();
            try (TlsProbe open = TlsProbe.connect(port, "files.test", trust)) {
                assertThat(open.leaf().getSerialNumber()).isEqualTo(first);
                assertThat(open.get("files.test", "/").body()).isEqualTo("files");

                BigInteger second = replace(ca.issue(List.of("files.test")));
                BigInteger served = TlsProbe.poll(Duration.ofSeconds(12),
                        () -> TlsProbe.leaf(port, "files.test", trust).getSerialNumber(), second::equals);
                assertThat(served).as("serial of new handshakes after the files changed").isEqualTo(second);

                assertThat(open.get("files.test", "/").body()).as("connection opened before the swap").isEqualTo("files");
                assertThat(open.leaf().getSerialNumber()).isEqualTo(first);

                // Half-written certificate: the next poll logs it and the previous pair goes on.
                Files.writeString(dir.resolve("site.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n");
                assertThat(log.await(l -> l.startsWith("ERROR") && l.contains("site.pem"), Duration.ofSeconds(12)))
                        .as("log of the failed reload").isNotNull();
                assertThat(TlsProbe.leaf(port, "files.test", trust).getSerialNumber()).isEqualTo(second);
                assertThat(TlsProbe.get(port, "files.test", trust, "files.test", "/").body()).isEqualTo("files");
            }
        }
    }

    /** Writes the pair the way deploy tools do: each file complete under a temporary name, then renamed over. */
    private BigInteger replace(CertifiedKey certificate) throws IOException {
        move(Pem.writePrivateKey(certificate.key()), dir.resolve("site.key"));
        move(Pem.writeCertificates(certificate.chain()), dir.resolve("site.pem"));
        return certificate.leaf().getSerialNumber();
    }

    private static void move(String content, Path target) throws IOException {
        Path temp = Files.writeString(target.resolveSibling(target.getFileName() + ".tmp"), content);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
