package dev.gatehouse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code acme.challenge: dns-01}, {@code acme.dns:} and a site's {@code tls: { dns: }}. */
class DnsConfigTest {
    private static final Path SOURCE = Path.of("/etc/gatehouse/gatehouse.yaml");
    private static final String SECRET = "c2VjcmV0LWJ5dGVzLWZvci10c2lnLWtleQ==";

    @Test
    void theIssueBlockReadsAsWritten() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse("""
                acme:
                  challenge: dns-01
                  dns:
                    provider: rfc2136
                    nameserver: 127.0.0.1:53
                    tsig: { name: gatehouse-key, algorithm: hmac-sha256, secret: %s }
                    propagation: { nameservers: ["127.0.0.1:53"], timeout: 120s, interval: 2s }
                sites:
                  "*.example.com": { respond: 204 }
                """.formatted(SECRET), SOURCE);

        assertThat(config.acme().challenge()).contains(AcmeSettings.ChallengeType.DNS_01);
        DnsSettings dns = config.acme().dns().orElseThrow();
        assertThat(dns.provider()).isEqualTo(new DnsSettings.Rfc2136(new DnsSettings.Tsig("gatehouse-key",
                DnsSettings.TsigAlgorithm.HMAC_SHA256, SECRET)));
        assertThat(dns.nameserver()).contains(new HostPort("127.0.0.1", 53));
        assertThat(dns.propagation()).isEqualTo(new DnsSettings.Propagation(List.of(new HostPort("127.0.0.1", 53)),
                Duration.ofSeconds(120), Duration.ofSeconds(2)));
        assertThat(dns.zone()).isEmpty();
        assertThat(dns.provider().toString()).doesNotContain(SECRET);
    }

    @Test
    void defaultsAndShortForms() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse("""
                acme:
                  dns:
                    provider: rfc2136
                    nameserver: ns1.example.com
                    zone: Example.COM.
                    tsig: { name: gatehouse-key, secret: %s }
                    propagation: { nameservers: "[::1]" }
                sites: { example.com: { respond: 204 } }
                """.formatted(SECRET), SOURCE);

        DnsSettings dns = config.acme().dns().orElseThrow();
        assertThat(config.acme().challenge()).isEmpty();
        assertThat(((DnsSettings.Rfc2136) dns.provider()).tsig().algorithm()).isEqualTo(DnsSettings.TsigAlgorithm.HMAC_SHA256);
        assertThat(dns.nameserver()).contains(new HostPort("ns1.example.com", 53));
        assertThat(dns.zone()).contains("example.com");
        assertThat(dns.propagation().nameservers()).containsExactly(new HostPort("::1", 53));
        assertThat(dns.propagation().timeout()).isEqualTo(DnsSettings.Propagation.DEFAULT_TIMEOUT);
        assertThat(dns.propagation().interval()).isEqualTo(DnsSettings.Propagation.DEFAULT_INTERVAL);
    }

    @Test
    void acmeDnsAndExecProviders() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse("""
                acme:
                  dns:
                    provider: acme-dns
                    api: https://auth.acme-dns.io
                    allow_from: [192.0.2.0/24]
                sites:
                  a.example.com:
                    tls: { dns: { provider: exec, command: ./hooks/dns.sh, timeout: 30s } }
                    respond: 204
                  b.example.com:
                    tls:
                      dns:
                        provider: exec
                        command: [/usr/local/bin/cloud-dns, --profile, prod]
                    respond: 204
                  c.example.com:
                    tls:
                      dns:
                        provider: acme-dns
                        api: https://acme-dns.internal:8443
                        account: { username: u, password: p, subdomain: s, fulldomain: s.acme-dns.internal }
                    respond: 204
                """, SOURCE);

        assertThat(config.acme().dns().orElseThrow().provider()).isEqualTo(new DnsSettings.AcmeDns(
                URI.create("https://auth.acme-dns.io"), Optional.empty(), List.of(Cidr.parse("192.0.2.0/24"))));
        assertThat(siteDns(config, "a.example.com").provider()).isEqualTo(new DnsSettings.Exec(
                List.of("/etc/gatehouse/hooks/dns.sh"), Duration.ofSeconds(30)));
        assertThat(siteDns(config, "b.example.com").provider()).isEqualTo(new DnsSettings.Exec(
                List.of("/usr/local/bin/cloud-dns", "--profile", "prod"), DnsSettings.Exec.DEFAULT_TIMEOUT));
        assertThat(siteDns(config, "c.example.com").provider()).isEqualTo(new DnsSettings.AcmeDns(
                URI.create("https://acme-dns.internal:8443"), Optional.of(new DnsSettings.AcmeDnsAccount("u", "p", "s",
                "s.acme-dns.internal")), List.of()));
    }

    @Test
    void aSiteBlockWithoutProviderReplacesOnlyTheKeysItGives() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse("""
                acme:
                  dns:
                    provider: rfc2136
                    nameserver: 192.0.2.53:5353
                    tsig: { name: gatehouse-key, secret: %s }
                    propagation: { timeout: 60s }
                sites:
                  "*.example.net":
                    tls: { dns: { zone: example.net, propagation: { interval: 5s } } }
                    respond: 204
                  app.example.org:
                    tls: { dns: { provider: exec, command: /bin/true } }
                    respond: 204
                  plain.example.com: { tls: acme, respond: 204 }
                """.formatted(SECRET), SOURCE);

        DnsSettings global = config.acme().dns().orElseThrow();
        DnsSettings net = siteDns(config, "*.example.net");
        assertThat(net.provider()).isEqualTo(global.provider());
        assertThat(net.nameserver()).contains(new HostPort("192.0.2.53", 5353));
        assertThat(net.zone()).contains("example.net");
        assertThat(net.propagation()).isEqualTo(new DnsSettings.Propagation(List.of(), Duration.ofSeconds(60),
                Duration.ofSeconds(5)));

        DnsSettings org = siteDns(config, "app.example.org");
        assertThat(org.nameserver()).as("a block with its own provider inherits nothing").isEmpty();
        assertThat(org.propagation()).isEqualTo(DnsSettings.Propagation.DEFAULTS);

        assertThat(config.sites().get("plain.example.com").tls()).isEqualTo(new SiteTls.Acme());
    }

    @Test
    void hmacMd5IsRefusedWithAClearMessage() {
        List<String> messages = errors("""
                acme:
                  dns:
                    provider: rfc2136
                    tsig: { name: old-key, algorithm: hmac-md5, secret: %s }
                sites: { example.com: { respond: 204 } }
                """.formatted(SECRET));

        assertThat(messages).singleElement().satisfies(m -> assertThat(m)
                .contains(":4:39: acme.dns.tsig.algorithm: hmac-md5 is refused", "RFC 8945",
                        "expected: hmac-sha256, hmac-sha384, hmac-sha512", "tsig-keygen -a hmac-sha256"));
    }

    @Test
    void badBlocksAreAllReportedWithPositions() {
        List<String> messages = errors("""
                acme:
                  challenge: dns-01
                  dns:
                    provider: rfc2316
                sites:
                  a.example.com:
                    tls: { dns: { provider: rfc2136, api: https://x.example, tsig: { name: k, secret: "not base64!" } } }
                    respond: 204
                  b.example.com:
                    tls: { dns: { provider: exec, propagation: { timeout: 2s, interval: 5s } } }
                    respond: 204
                  c.example.com:
                    tls: { cert: c.pem, key: c.key, dns: { provider: exec, command: /bin/true } }
                    respond: 204
                """);

        assertThat(messages).anyMatch(m -> m.contains(":4:15: acme.dns.provider: unknown provider \"rfc2316\"")
                && m.contains("did you mean \"rfc2136\"?"));
        assertThat(messages).anyMatch(m -> m.contains(":7:38: sites.\"a.example.com\".tls.dns.api: api belongs to "
                + "provider acme-dns (this block's provider is rfc2136)"));
        assertThat(messages).anyMatch(m -> m.contains(":7:87:") && m.contains("the secret is not base64"));
        assertThat(messages).anyMatch(m -> m.contains(":10:17:") && m.contains("provider exec needs command"));
        assertThat(messages).anyMatch(m -> m.contains(":10:73:") && m.contains("interval 5s is longer than timeout 2s"));
        assertThat(messages).anyMatch(m -> m.contains(":13:37:") && m.contains("both \"cert\" and \"dns\" given"));
    }

    @Test
    void dns01NeedsADnsBlockAndSiteBlocksNeedAProvider() {
        List<String> messages = errors("""
                acme: { challenge: dns-01 }
                sites:
                  a.example.com: { tls: { dns: { zone: example.com } }, respond: 204 }
                """);

        assertThat(messages).anyMatch(m -> m.contains(":1:20: acme.challenge: dns-01 needs acme.dns"));
        assertThat(messages).anyMatch(m -> m.contains(":3:32:") && m.contains("no provider")
                && m.contains("here or in acme.dns"));
    }

    private static DnsSettings siteDns(GatehouseConfig config, String host) {
        return ((SiteTls.Acme) config.sites().get(host).tls()).dns().orElseThrow();
    }

    private static List<String> errors(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, SOURCE));
        assertThat(e).as("config errors").isNotNull();
        return e.errors().stream().map(ConfigError::format).toList();
    }
}
