package dev.gatehouse.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * What a config must get right for the server to start at all: addresses that can be bound, ports that do not
 * collide, certificate files that exist, and text that is UTF-8; each error at its position.
 */
class ListenerChecksTest {
    @TempDir
    Path dir;

    private List<ConfigError> errors(String yaml) throws Exception {
        Path file = dir.resolve("gatehouse.yaml");
        Files.writeString(file, yaml);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        return e.errors();
    }

    private GatehouseConfig load(String yaml) throws Exception {
        Path file = dir.resolve("gatehouse.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file);
    }

    @Test
    void anAddressThatIsNoIpv4AddressIsRejectedAtItsPosition() throws Exception {
        List<ConfigError> errors = errors("""
                listen:
                  address: 999.1.1.1
                sites: { a.test: { respond: 204 } }
                """);

        assertThat(errors).extracting(ConfigError::line, ConfigError::column).containsExactly(tuple(2, 12));
        assertThat(errors.get(0).message()).isEqualTo("listen.address: \"999.1.1.1\" is not an IPv4 address: 999 is "
                + "over 255 (expected: like 0.0.0.0, :: or 127.0.0.1)");
        for (String bad : List.of("1.2.3", "1.2.3.4.5", "01.2.3.4", "1..2.3", "::g", "1:2:3:4:5:6:7:8:9", "-a.example")) {
            assertThat(errors("listen: { address: \"" + bad + "\" }\nsites: { a.test: { respond: 204 } }\n"))
                    .as(bad).singleElement().satisfies(e -> assertThat(e.message()).startsWith("listen.address: \""
                            + bad + "\" is not"));
        }
        for (String good : List.of("0.0.0.0", "127.0.0.1", "::", "::1", "fe80::1", "2001:db8::10", "localhost",
                "edge-1.internal")) {
            assertThat(load("listen: { address: \"" + good + "\" }\nsites: { a.test: { respond: 204 } }\n")
                    .listen().addresses()).containsExactly(good);
        }
    }

    @Test
    void theAdminPortMayNotBeAListenersPortOnAnOverlappingAddress() throws Exception {
        List<ConfigError> errors = errors("""
                listen: { http: 8080, https: 8443 }
                admin:
                  listen: "127.0.0.1:8443"
                sites: { a.test: { respond: 204 } }
                """);

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.column()).isEqualTo(11);
            assertThat(e.message()).isEqualTo("admin.listen: port 8443 is also listen.https's port on 0.0.0.0, "
                    + "which includes 127.0.0.1 (expected: a port of its own, like 2019)");
        });
        assertThat(errors("""
                listen: { http: 8080, https: off, address: 127.0.0.1 }
                admin: { listen: "localhost:8080" }
                sites: { a.test: { respond: 204 } }
                """)).singleElement().satisfies(e -> assertThat(e.message()).contains("listen.http's port"));
        assertThat(errors("""
                listen: { http: 8080, https: 8443, address: "::" }
                admin: { listen: "[::1]:8080" }
                sites: { a.test: { respond: 204 } }
                """)).singleElement().satisfies(e -> assertThat(e.message()).contains("listen.http's port on ::"));

        // Different addresses that do not overlap may share a port; port 0 is any free port.
        assertThat(load("""
                listen: { http: 8080, https: 8443, address: 10.0.0.5 }
                admin: { listen: "127.0.0.1:8443" }
                sites: { a.test: { respond: 204 } }
                """).admin()).isPresent();
        assertThat(load("""
                listen: { http: 0, https: 0, address: 127.0.0.1 }
                admin: { listen: "127.0.0.1:0" }
                sites: { a.test: { respond: 204 } }
                """).admin()).isPresent();
    }

    @Test
    void certificateFilesThatDoNotExistAreRejectedAtTheirPositions() throws Exception {
        Files.writeString(dir.resolve("here.pem"), "-----BEGIN CERTIFICATE-----\n");
        Files.createDirectories(dir.resolve("certs"));

        List<ConfigError> errors = errors("""
                sites:
                  a.test:
                    tls: { cert: missing.pem, key: missing.key }
                    respond: 204
                  b.test:
                    tls:
                      cert: here.pem
                      key: certs
                    respond: 204
                """);

        assertThat(errors).extracting(ConfigError::line, ConfigError::column, ConfigError::message).containsExactly(
                tuple(3, 18, "sites.\"a.test\".tls.cert: no such file " + dir.resolve("missing.pem")
                        + " (expected: the site's certificate chain, a PEM file)"),
                tuple(3, 36, "sites.\"a.test\".tls.key: no such file " + dir.resolve("missing.key")
                        + " (expected: the site's private key, a PEM file)"),
                tuple(8, 12, "sites.\"b.test\".tls.key: " + dir.resolve("certs") + " is a directory "
                        + "(expected: the site's private key, a PEM file)"));
    }

    @Test
    void anInvalidUtf8ByteIsReportedAtItsLineAndColumn() throws Exception {
        Path file = dir.resolve("gatehouse.yaml");
        byte[] before = "sites:\n  a.test:\n    respond: { status: 200, body: \"caf".getBytes(StandardCharsets.UTF_8);
        byte[] after = "\" }\n".getBytes(StandardCharsets.UTF_8);
        byte[] text = new byte[before.length + 1 + after.length];
        System.arraycopy(before, 0, text, 0, before.length);
        text[before.length] = (byte) 0xE9; // é in Latin-1, not UTF-8
        System.arraycopy(after, 0, text, before.length + 1, after.length);
        Files.write(file, text);

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        assertThat(e.errors()).extracting(ConfigError::line, ConfigError::column, ConfigError::message)
                .containsExactly(tuple(3, 39, "invalid UTF-8: byte 0xE9 (expected: the config file in UTF-8; "
                        + "was it saved as Latin-1 or Windows-1252?)"));
    }

    @Test
    void theColumnOfABadByteCountsCharactersNotBytes() throws Exception {
        Path file = dir.resolve("gatehouse.yaml");
        byte[] good = "# héllo\n# ü\u20ac".getBytes(StandardCharsets.UTF_8);
        byte[] text = new byte[good.length + 2];
        System.arraycopy(good, 0, text, 0, good.length);
        text[good.length] = (byte) 0xC3; // a lead byte without its continuation
        text[good.length + 1] = '\n';
        Files.write(file, text);

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        assertThat(e.errors()).extracting(ConfigError::line, ConfigError::column).containsExactly(tuple(2, 5));
        assertThat(e.errors().get(0).message()).startsWith("invalid UTF-8: byte 0xC3");
    }
}
