package dev.gatehouse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The automatic-HTTPS parts of the config: acme, storage, per-site tls and hsts. */
class HttpsConfigTest {
    private static final Path SOURCE = Path.of("/etc/gatehouse/gatehouse.yaml");

    @Test
    void defaultsAreLetsEncryptAndDataBesideTheConfig() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse("sites: { example.com: { respond: 204 } }\n", SOURCE);

        assertThat(config.acme().directories()).containsExactly(AcmeSettings.LETS_ENCRYPT);
        assertThat(config.acme().trust()).isEmpty();
        assertThat(config.storage()).isEqualTo(Path.of("/etc/gatehouse/data"));
        assertThat(config.sites().get("example.com").tls()).isEqualTo(new SiteTls.Auto());
        assertThat(config.sites().get("example.com").hsts()).isEmpty();
    }

    @Test
    void acmeSectionIsRead() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse("""
                email: ops@example.com
                storage: /var/lib/gatehouse
                acme:
                  directory: [https://ca-one.test/dir, https://ca-two.test/dir]
                  trust: ./pebble.minica.pem
                  eab: { key_id: kid-1, hmac_key: c2VjcmV0 }
                  challenge: tls-alpn-01
                sites: { example.com: { respond: 204 } }
                """, SOURCE);

        AcmeSettings acme = config.acme();
        assertThat(acme.directories()).containsExactly(URI.create("https://ca-one.test/dir"), URI.create("https://ca-two.test/dir"));
        assertThat(acme.trust()).contains(Path.of("/etc/gatehouse/pebble.minica.pem"));
        assertThat(acme.eab()).contains(new AcmeSettings.Eab("kid-1", "c2VjcmV0"));
        assertThat(acme.eab().orElseThrow().toString()).doesNotContain("c2VjcmV0");
        assertThat(acme.challenge()).contains(AcmeSettings.ChallengeType.TLS_ALPN_01);
        assertThat(config.storage()).isEqualTo(Path.of("/var/lib/gatehouse"));
    }

    @Test
    void stagingSwitchPicksLetsEncryptStaging() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse("acme: { staging: true }\nsites: { example.com: { respond: 204 } }\n", SOURCE);

        assertThat(config.acme().directories()).containsExactly(AcmeSettings.LETS_ENCRYPT_STAGING);
    }

    @Test
    void siteTlsModesAndFiles(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("certs"));
        Files.writeString(dir.resolve("certs/c.pem"), "");
        Files.writeString(dir.resolve("certs/c.key"), "");
        GatehouseConfig config = ConfigLoader.parse("""
                sites:
                  a.example.com: { tls: internal, respond: 204 }
                  b.example.com: { tls: acme, respond: 204 }
                  c.example.com: { tls: { cert: certs/c.pem, key: certs/c.key }, respond: 204 }
                """, dir.resolve("gatehouse.yaml"));

        assertThat(config.sites().get("a.example.com").tls()).isEqualTo(new SiteTls.Internal());
        assertThat(config.sites().get("b.example.com").tls()).isEqualTo(new SiteTls.Acme());
        assertThat(config.sites().get("c.example.com").tls()).isEqualTo(new SiteTls.Files(
                dir.resolve("certs/c.pem"), dir.resolve("certs/c.key")));
    }

    @Test
    void hstsShortAndLongForms() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse("""
                sites:
                  a.example.com: { hsts: 365d, respond: 204 }
                  b.example.com: { hsts: { max_age: 2d, include_subdomains: true, preload: true }, respond: 204 }
                """, SOURCE);

        assertThat(config.sites().get("a.example.com").hsts().orElseThrow().headerValue()).isEqualTo("max-age=31536000");
        assertThat(config.sites().get("b.example.com").hsts()).contains(new Hsts(Duration.ofDays(2), true, true));
        assertThat(config.sites().get("b.example.com").hsts().orElseThrow().headerValue())
                .isEqualTo("max-age=172800; includeSubDomains; preload");
    }

    @Test
    void badHttpsSettingsAreAllReported() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse("""
                acme:
                  directory: ftp://ca.test/dir
                  challenge: dns-02
                  eab: { key_id: k }
                sites:
                  a.example.com: { tls: internall, respond: 204 }
                  b.example.com: { tls: { cert: c.pem }, respond: 204 }
                  c.example.com: { hsts: { preload: yes }, respond: 204 }
                """, SOURCE));

        List<String> messages = e.errors().stream().map(ConfigError::format).toList();
        assertThat(messages).anyMatch(m -> m.contains(":2:14: acme.directory: \"ftp://ca.test/dir\" is not an http(s) URL"));
        assertThat(messages).anyMatch(m -> m.contains(":3:14:") && m.contains("unknown challenge \"dns-02\"")
                && m.contains("did you mean \"dns-01\"?"));
        assertThat(messages).anyMatch(m -> m.contains(":4:8:") && m.contains("eab needs both key_id and hmac_key"));
        assertThat(messages).anyMatch(m -> m.contains(":6:25:") && m.contains("unknown tls mode \"internall\"")
                && m.contains("did you mean \"internal\"?"));
        assertThat(messages).anyMatch(m -> m.contains(":7:25:") && m.contains("no key"));
        assertThat(messages).anyMatch(m -> m.contains(":8:") && m.contains("no max_age"));
        assertThat(messages).anyMatch(m -> m.contains(":8:") && m.contains("\"yes\" is not true or false"));
    }

    @Test
    void aRouteMayReplaceItsSitesPlainHttpPolicyButHstsIsSiteWide() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse("""
                sites:
                  a.example.com:
                    http: https-only
                    routes:
                      - { path: /health, http: allow, respond: 204 }
                      - { respond: 204 }
                """, SOURCE);
        Site site = config.sites().get("a.example.com");
        assertThat(site.http()).isEqualTo(HttpPolicy.HTTPS_ONLY);
        assertThat(site.routes().get(0).stages()).containsEntry("http", HttpPolicy.ALLOW);
        assertThat(site.routes().get(1).stages()).isEmpty();

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse("""
                sites:
                  a.example.com:
                    routes:
                      - { path: /a, hsts: 1d, respond: 204 }
                      - { http: alow, respond: 204 }
                """, SOURCE));
        List<String> messages = e.errors().stream().map(ConfigError::format).toList();
        assertThat(messages).anyMatch(m -> m.contains(":4:21:") && m.contains("unknown key \"hsts\""));
        assertThat(messages).anyMatch(m -> m.contains(":5:17:") && m.contains("unknown policy \"alow\"")
                && m.contains("did you mean \"allow\"?"));
    }
}
