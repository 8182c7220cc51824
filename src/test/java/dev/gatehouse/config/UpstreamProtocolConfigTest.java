package dev.gatehouse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.certificates.LocalCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code protocol:} and {@code tls:} of an upstream. */
class UpstreamProtocolConfigTest {
    @TempDir
    Path dir;

    private Upstream api(String poolYaml) throws Exception {
        Path file = dir.resolve("gatehouse.yaml");
        String yaml = """
                sites: { example.com: { upstream: api } }
                upstreams:
                  api:
                """ + poolYaml.indent(4);
        Files.writeString(file, yaml);
        return ConfigLoader.load(file).upstreams().get("api");
    }

    private List<ConfigError> errors(String poolYaml) {
        return catchThrowableOfType(ConfigException.class, () -> api(poolYaml)).errors();
    }

    @Test
    void protocolDefaultsToHttp1() throws Exception {
        Upstream u = api("targets: [127.0.0.1:8080]");

        assertThat(u.protocol()).isEqualTo(Upstream.Protocol.HTTP1);
        assertThat(u.tls()).isEqualTo(UpstreamTls.DEFAULT);
    }

    @Test
    void h2cAndH2AreRead() throws Exception {
        assertThat(api("{ protocol: h2c, targets: [127.0.0.1:8080] }").protocol()).isEqualTo(Upstream.Protocol.H2C);
        Upstream h2 = api("{ protocol: h2, targets: [127.0.0.1:8443] }");
        assertThat(h2.protocol()).isEqualTo(Upstream.Protocol.H2);
        assertThat(h2.tls()).as("system trust store, target's host as name").isEqualTo(UpstreamTls.DEFAULT);
    }

    @Test
    void anUnknownProtocolIsAPositionedErrorWithAHint() {
        List<ConfigError> errors = errors("""
                targets: [127.0.0.1:8080]
                protocol: h2cc
                """);

        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).line()).isEqualTo(5);
        assertThat(errors.get(0).message()).contains("unknown protocol \"h2cc\"", "http1, h2c, h2");
        assertThat(errors.get(0).hint()).hasValueSatisfying(h -> assertThat(h).contains("h2c"));
    }

    @Test
    void tlsReadsTheCaFileAndServerName() throws Exception {
        Files.writeString(dir.resolve("upstream-ca.pem"), validCert());
        Upstream u = api("""
                protocol: h2
                targets: [10.0.0.5:8443]
                tls: { ca: upstream-ca.pem, server_name: api.internal }
                """);

        assertThat(u.tls().ca()).contains(dir.resolve("upstream-ca.pem").toAbsolutePath().normalize());
        assertThat(u.tls().caCertificates()).hasSize(1);
        assertThat(u.tls().serverName()).isEqualTo(Optional.of("api.internal"));
    }

    @Test
    void tlsWithoutH2IsAnError() {
        List<ConfigError> errors = errors("""
                protocol: h2c
                targets: [127.0.0.1:8080]
                tls: { server_name: api.internal }
                """);

        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).message()).contains("only used with protocol: h2");
    }

    @Test
    void aMissingOrBrokenCaFileIsAPositionedError() throws Exception {
        ConfigError missing = errors("""
                protocol: h2
                targets: [127.0.0.1:8443]
                tls: { ca: nowhere.pem }
                """).get(0);
        assertThat(missing.line()).isEqualTo(6);
        assertThat(missing.message()).contains("cannot read", "nowhere.pem");

        Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
        ConfigError junk = errors("""
                protocol: h2
                targets: [127.0.0.1:8443]
                tls: { ca: junk.pem }
                """).get(0);
        assertThat(junk.message()).contains("junk.pem");
    }

    @Test
    void unknownTlsKeysAreRejected() {
        List<ConfigError> errors = errors("""
                protocol: h2
                targets: [127.0.0.1:8443]
                tls: { insecure_skip_verify: true }
                """);

        assertThat(errors).isNotEmpty();
        assertThat(errors.get(0).message()).contains("insecure_skip_verify");
    }

    /** A real CA certificate (the local CA's root). */
    private String validCert() throws Exception {
        return LocalCa.loadOrCreate(new CertificateStore(new FileStorage(dir.resolve("ca"))), Clock.systemUTC()).rootPem();
    }
}
