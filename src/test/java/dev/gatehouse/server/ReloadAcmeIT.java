package dev.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.acme.Pebble;
import dev.gatehouse.config.ReloadResult;
import dev.gatehouse.testing.JarProcess;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.TlsProbe;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A site added by a reload gets its certificate from a real ACME server (pebble), without a restart. */
@Timeout(60)
class ReloadAcmeIT {
    private static final String NAME = "reloaded.test";

    @TempDir
    Path dir;

    @Test
    void aSiteAddedByAReloadGetsAnAcmeCertificate() throws Exception {
        int http = JarProcess.freePort();
        int https = JarProcess.freePort();
        String listen = "{ http: " + http + ", https: " + https + ", address: 127.0.0.1 }";
        try (Pebble pebble = Pebble.builder().httpPort(http).tlsPort(JarProcess.freePort()).start()) {
            String head = "email: ops@example.com\n"
                    + "acme: { directory: \"" + pebble.directory() + "\", trust: \"" + pebble.trustPem() + "\" }\n";
            try (TestGatehouse gh = TestGatehouse.startListening(listen, head + """
                    sites:
                      localhost: { respond: { status: 200, body: "first" } }
                    """, dir)) {
                gh.rewrite(head + """
                        sites:
                          localhost: { respond: { status: 200, body: "first" } }
                          reloaded.test: { tls: acme, respond: { status: 200, body: "added by reload" } }
                        """);
                ReloadResult result = gh.server().reload();
                assertThat(result.applied()).as("errors: %s", result.errors()).isTrue();
                assertThat(result.changes()).containsExactly("site \"reloaded.test\" added");

                TlsProbe.Trust trust = TlsProbe.trusting(pebble.root());
                X509Certificate leaf = TlsProbe.poll(Duration.ofSeconds(30), () -> {
                    try (TlsProbe probe = TlsProbe.connect(https, NAME, trust)) {
                        return probe.get(NAME, "/").body().equals("added by reload") ? probe.leaf() : null;
                    } catch (javax.net.ssl.SSLException e) {
                        return null; // not issued yet
                    }
                }, cert -> cert != null);
                assertThat(leaf).as("certificate for " + NAME + "; pebble log:\n" + pebble.log()).isNotNull();
                assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(2, NAME));
            }
        }
    }
}
