package dev.gatehouse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Several names per site ({@code aliases}) and key types ({@code tls: { key_type }}). */
class SiteNamesConfigTest {
    private static final Path SOURCE = Path.of("/etc/gatehouse/gatehouse.yaml");

    private static List<String> errors(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, SOURCE));
        assertThat(e).as("expected errors for:\n" + yaml).isNotNull();
        return e.errors().stream().map(ConfigError::format).toList();
    }

    @Test
    void aliasesAreNamesOfTheSiteInOrderLowerCased() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse("""
                sites:
                  app.example.com: { aliases: [WWW.app.example.com, app.example.net], respond: 204 }
                  one.example.com: { aliases: www.one.example.com, respond: 204 }
                """, SOURCE);

        Site app = config.sites().get("app.example.com");
        assertThat(app.aliases()).containsExactly("www.app.example.com", "app.example.net");
        assertThat(app.names()).containsExactly("app.example.com", "www.app.example.com", "app.example.net");
        assertThat(config.sites().get("one.example.com").aliases()).containsExactly("www.one.example.com");
    }

    @Test
    void anExactNameBesideAWildcardSiteThatMatchesItIsAccepted() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse("""
                sites:
                  "*.example.com": { respond: 204 }
                  app.example.com: { aliases: [www.example.com], respond: 200 }
                default_site: www.example.com
                """, SOURCE);

        assertThat(config.sites()).containsOnlyKeys("*.example.com", "app.example.com");
        assertThat(config.defaultSite()).contains("www.example.com");
    }

    @Test
    void theSameNameOnTwoSitesIsAnErrorAtTheSecondWithTheFirstsLine() {
        List<String> messages = errors("""
                sites:
                  a.example.com: { aliases: [www.example.com], respond: 204 }
                  b.example.com:
                    aliases: [www.example.com, a.example.com, b.example.com, "not a host"]
                    respond: 204
                  www.example.com: { respond: 204 }
                """);

        assertThat(messages).anyMatch(m -> m.contains(":4:15: sites.\"b.example.com\".aliases[0]: \"www.example.com\" is "
                + "already a name of site \"a.example.com\"") && m.contains("first given at line 2"));
        assertThat(messages).anyMatch(m -> m.contains(":4:32:") && m.contains("\"a.example.com\" is already a name of "
                + "site \"a.example.com\""));
        assertThat(messages).anyMatch(m -> m.contains(":4:47:") && m.contains("\"b.example.com\" is already a name of "
                + "site \"b.example.com\""));
        assertThat(messages).anyMatch(m -> m.contains(":4:62:") && m.contains("\"not a host\" is not a host name"));
        assertThat(messages).anyMatch(m -> m.contains(":6:3: sites:") && m.contains("\"www.example.com\" is already a name of "
                + "site \"a.example.com\""));
    }

    @Test
    void keyTypesOneOrAListDefaultEcdsaP256() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse("""
                sites:
                  a.example.com: { respond: 204 }
                  b.example.com: { tls: { key_type: rsa3072 }, respond: 204 }
                  c.example.com: { tls: { key_type: [ecdsa-p384, rsa2048], issuer: acme }, respond: 204 }
                  d.example.com: { tls: { issuer: internal }, respond: 204 }
                """, SOURCE);

        assertThat(config.sites().get("a.example.com").keyTypes()).containsExactly(KeyType.ECDSA_P256);
        assertThat(config.sites().get("b.example.com").keyTypes()).containsExactly(KeyType.RSA3072);
        assertThat(config.sites().get("b.example.com").tls()).isEqualTo(new SiteTls.Auto());
        assertThat(config.sites().get("c.example.com").keyTypes()).containsExactly(KeyType.ECDSA_P384, KeyType.RSA2048);
        assertThat(config.sites().get("c.example.com").tls()).isEqualTo(new SiteTls.Acme());
        assertThat(config.sites().get("d.example.com").tls()).isEqualTo(new SiteTls.Internal());
    }

    @Test
    void badKeyTypesSayWhatIsExpected() {
        List<String> messages = errors("""
                sites:
                  a.example.com: { tls: { key_type: rsa1024 }, respond: 204 }
                  b.example.com: { tls: { key_type: [ecdsa-p256, ecdsa-p384] }, respond: 204 }
                  c.example.com: { tls: { cert: c.pem, key: c.key, key_type: rsa2048 }, respond: 204 }
                  d.example.com: { tls: { key_type: ecdsa-256 }, respond: 204 }
                """);

        assertThat(messages).anyMatch(m -> m.contains(":2:37:") && m.contains("unknown key type \"rsa1024\" (expected: "
                + "ecdsa-p256, ecdsa-p384, rsa2048, rsa3072, rsa4096)"));
        assertThat(messages).anyMatch(m -> m.contains(":3:50:") && m.contains("a second ECDSA key type \"ecdsa-p384\""));
        assertThat(messages).anyMatch(m -> m.contains(":4:52:") && m.contains("both \"cert\" and \"key_type\""));
        assertThat(messages).anyMatch(m -> m.contains(":5:37:") && m.contains("did you mean \"ecdsa-p256\"?"));
    }
}
