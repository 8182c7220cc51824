package dev.gatehouse.admin;

import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.config.GatehouseConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigJsonTest {

    @Test
    void headerRulesReadAsWrittenWithCredentialsRedacted() throws Exception {
        GatehouseConfig config = ConfigLoader.parse("""
                sites:
                  api.example.com:
                    request_headers: { set: { Authorization: "Bearer s3cr3t-value", X-Client: "{client_ip}" } }
                    response_headers: { only: upstream, remove: [Server] }
                    upstream: api
                upstreams:
                  api: { targets: [127.0.0.1:8080] }
                """, Path.of("/etc/gatehouse/gatehouse.yaml"));

        String json = AdminJson.write(ConfigJson.of(config));

        assertThat(json).doesNotContain("s3cr3t-value")
                .contains("{\"op\":\"set\",\"name\":\"authorization\",\"value\":\"[redacted]\"",
                        "{\"op\":\"set\",\"name\":\"x-client\",\"value\":\"{client_ip}\",\"upstream_only\":false}",
                        "{\"op\":\"remove\",\"name\":\"server\",\"upstream_only\":true}");
    }

    @Test
    void writesTheConfigWithSecretsRedacted() throws Exception {
        GatehouseConfig config = ConfigLoader.parse("""
                acme: { eab: { key_id: kid-1, hmac_key: c2VjcmV0LW1hYy1rZXk } }
                admin: { listen: "0.0.0.0:2019", token: the-admin-token-0123456789 }
                sites:
                  api.example.com:
                    hsts: 365d
                    http: https-only
                    routes:
                      - { path: /ws/*, methods: [POST, GET], upstream: api }
                      - respond: { status: 204 }
                upstreams:
                  api: { targets: [127.0.0.1:8080], policy: least_requests, slow_start: 1500ms }
                """, Path.of("/etc/gatehouse/gatehouse.yaml"));

        String json = AdminJson.write(ConfigJson.of(config));

        assertThat(json).doesNotContain("c2VjcmV0LW1hYy1rZXk", "the-admin-token-0123456789")
                .contains("\"hmac_key\":\"[redacted]\"", "\"token\":\"[redacted]\"", "\"key_id\":\"kid-1\"")
                .contains("\"listen\":{\"addresses\":[\"0.0.0.0\"],\"http\":80,\"https\":443,\"h2c\":false,"
                        + "\"proxy_protocol\":false,\"proxy_protocol_from\":[]}")
                .contains("\"hsts\":{\"max_age\":\"365d\"", "\"http\":\"https-only\"")
                .contains("\"match\":{\"path\":\"/ws/*\",\"methods\":[\"GET\",\"POST\"]")
                .contains("\"action\":{\"type\":\"proxy\",\"upstream\":\"api\"}", "\"tls\":{\"type\":\"auto\"}")
                .contains("\"policy\":\"least_requests\"", "\"slow_start\":\"1500ms\"", "\"default_site\":null");
    }

    @Test
    void dnsSecretsAreRedactedToo() throws Exception {
        GatehouseConfig config = ConfigLoader.parse("""
                acme:
                  challenge: dns-01
                  dns:
                    provider: rfc2136
                    nameserver: 127.0.0.1:53
                    tsig: { name: gatehouse-key, algorithm: hmac-sha256, secret: dHNpZy1zZWNyZXQtYnl0ZXM= }
                sites:
                  "*.example.com": { respond: 204 }
                  app.example.net:
                    tls:
                      dns:
                        provider: acme-dns
                        api: https://auth.example.org
                        account: { username: u1, password: acme-dns-password, subdomain: s1, fulldomain: s1.auth.example.org }
                    respond: 204
                """, Path.of("/etc/gatehouse/gatehouse.yaml"));

        String json = AdminJson.write(ConfigJson.of(config));

        assertThat(json).doesNotContain("dHNpZy1zZWNyZXQtYnl0ZXM=", "acme-dns-password")
                .contains("\"secret\":\"[redacted]\"", "\"password\":\"[redacted]\"", "\"name\":\"gatehouse-key\"")
                .contains("\"challenge\":\"dns-01\"", "\"algorithm\":\"hmac-sha256\"", "\"type\":\"rfc2136\"",
                        "\"type\":\"acme-dns\"", "\"username\":\"u1\"");
    }

    @Test
    void durationsReadLikeTheConfig() {
        assertThat(ConfigJson.duration(Duration.ofDays(365))).isEqualTo("365d");
        assertThat(ConfigJson.duration(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(ConfigJson.duration(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(ConfigJson.duration(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(ConfigJson.duration(Duration.ZERO)).isEqualTo("0s");
    }
}
