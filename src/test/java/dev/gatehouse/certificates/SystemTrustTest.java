package dev.gatehouse.certificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs against a temporary anchors directory and a stand-in command; the system store is never touched. */
class SystemTrustTest {

    private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    @TempDir
    Path temp;

    @Test
    void installWritesTheRootAndRunsTheUpdate() throws Exception {
        Path marker = temp.resolve("updated");
        SystemTrust trust = new SystemTrust(temp.resolve("anchors"), List.of("touch", marker.toString()));

        Path file = trust.install(PEM);

        assertThat(file).isEqualTo(temp.resolve("anchors/gatehouse-local-ca.crt"));
        assertThat(Files.readString(file)).isEqualTo(PEM);
        assertThat(marker).exists();
    }

    @Test
    void uninstallRemovesItAndSaysWhetherItWasThere() throws Exception {
        SystemTrust trust = new SystemTrust(temp, List.of("true"));
        trust.install(PEM);

        assertThat(trust.uninstall()).isTrue();
        assertThat(trust.file()).doesNotExist();
        assertThat(trust.uninstall()).isFalse();
    }

    @Test
    void missingToolGetsAnInstallHint() {
        SystemTrust trust = new SystemTrust(temp, List.of("/nonexistent/update-ca-certificates"));

        assertThatThrownBy(() -> trust.install(PEM))
                .isInstanceOf(SystemTrustException.class)
                .hasMessageContaining("not found")
                .hasMessageContaining("apt-get install ca-certificates");
    }

    @Test
    void failingToolReportsItsOutput() {
        SystemTrust trust = new SystemTrust(temp, List.of("sh", "-c", "echo 'cannot rebuild bundle' >&2; exit 3"));

        assertThatThrownBy(() -> trust.install(PEM))
                .isInstanceOf(SystemTrustException.class)
                .hasMessageContaining("exit code 3")
                .hasMessageContaining("cannot rebuild bundle");
    }

    @Test
    void debianDefaults() {
        assertThat(SystemTrust.debian().file()).isEqualTo(Path.of("/usr/local/share/ca-certificates/gatehouse-local-ca.crt"));
    }
}
