package dev.gatehouse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final Path SOURCE = Path.of("/etc/gatehouse/gatehouse.yaml");

    /** The sketch from DESIGN.md, verbatim with its comments. */
    private static final String DESIGN_SKETCH = """
            email: ops@example.com              # ACME account contact

            sites:
              app1.example.com:
                upstream: app1
              app2.example.com:
                upstream: app2
              example.com:
                files: ./public                 # static front end
              api.example.com:
                http: https-only                # redirect (default) | https-only (403) | allow
                hsts: 365d
                routes:
                  - path: /ws/*
                    upstream: api
                  - upstream: api

            upstreams:
              app1: { targets: [127.0.0.1:8000] }
              app2: { targets: [127.0.0.1:8001] }
              api:
                targets:
                  - { address: 127.0.0.1:8080, weight: 100 }   # blue
                  - { address: 127.0.0.1:8081, weight: 0 }     # green, flip weights to switch
                health: { path: /health, interval: 10s, timeout: 3s, healthy: 2, unhealthy: 3, status: 200-399 }
            """;

    @Test
    void designSketchValidates() throws Exception {
        GatehouseConfig config = ConfigLoader.parse(DESIGN_SKETCH, SOURCE);

        assertThat(config.email()).contains("ops@example.com");
        assertThat(config.sites()).containsOnlyKeys("app1.example.com", "app2.example.com", "example.com",
                "api.example.com");
        assertThat(config.sites().get("app1.example.com").routes())
                .containsExactly(new Route(RouteMatch.ANY, new Action.Proxy("app1")));
        assertThat(config.sites().get("example.com").routes().get(0).action())
                .isEqualTo(new Action.Files(Path.of("/etc/gatehouse/public"), "index.html"));
        Site api = config.sites().get("api.example.com");
        assertThat(api.http()).isEqualTo(HttpPolicy.HTTPS_ONLY);
        assertThat(api.hsts()).contains(new Hsts(Duration.ofDays(365), false, false));
        assertThat(api.routes()).extracting(r -> r.match().path())
                .containsExactly(Optional.of("/ws/*"), Optional.empty());
        assertThat(config.upstreams().get("api").targets()).containsExactly(
                new Target("127.0.0.1", 8080, 100), new Target("127.0.0.1", 8081, 0));
        assertThat(config.sites().get("app2.example.com").http()).isEqualTo(HttpPolicy.REDIRECT);
    }

    @Test
    void everyDocumentedFeatureIsRead() throws Exception {
        GatehouseConfig config = ConfigLoader.parse("""
                email: ops@example.com
                listen: { http: 8080, https: off, address: 127.0.0.1 }
                default_site: Example.com
                trusted_proxies: [10.0.0.0/8, "::1"]
                timeouts: { connect: 500ms, upstream_header: 2m, idle: 1h, client_header: 10s, websocket: 1d, shutdown: 0s,
                            client_body: 30s }
                limits: { max_body: 0, max_uri: 4kb, max_headers: 1mb, max_connections: 2000 }
                access_log: { format: json, file: logs/access.log }
                acme: { directory: "https://acme.example/dir", trust: ca.pem }
                storage: ./data
                admin: { listen: "127.0.0.1:2019" }
                sites:
                  example.com:
                    files: { root: ../www/, index: home.html }
                  old.example.com:
                    redirect: { to: "https://new.example.com{uri}", status: 301 }
                  new.example.com:
                    redirect: "https://example.com{uri}"
                  status.example.com:
                    respond: { status: 200, body: "ok\\n", headers: { Content-Type: text/plain } }
                  "*.preview.example.com":
                    respond: 204
                  api.example.com:
                    http: allow
                    tls: internal
                    routes:
                      - path: /ws/*
                        methods: [get, POST]
                        headers: { X-Canary: "1", X-Debug: "*", User-Agent: "~.*bot.*" }
                        query: { debug: "*" }
                        source: 10.0.0.0/8
                        upstream: api
                      - method: DELETE
                        upstream: api
                upstreams:
                  api:
                    targets:
                      - { address: "[::1]:8081", weight: 7 }
                      - backend.internal:9000
                """, SOURCE);

        assertThat(config.listen()).isEqualTo(new Listen("127.0.0.1", OptionalInt.of(8080), OptionalInt.empty()));
        assertThat(config.defaultSite()).contains("example.com");
        assertThat(config.trustedProxies()).containsExactly(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1"));
        assertThat(config.timeouts()).isEqualTo(new Timeouts(Duration.ofMillis(500), Duration.ofMinutes(2),
                Duration.ofHours(1), Duration.ofSeconds(10), Duration.ofDays(1), Duration.ZERO, Duration.ofSeconds(30)));
        assertThat(config.limits()).isEqualTo(new Limits(0, 4096, 1 << 20, 2000));
        assertThat(config.accessLog()).isEqualTo(new AccessLog(true, AccessLog.Format.JSON,
                Optional.of(Path.of("/etc/gatehouse/logs/access.log"))));
        assertThat(action(config, "example.com")).isEqualTo(new Action.Files(Path.of("/etc/www"), "home.html"));
        assertThat(action(config, "old.example.com"))
                .isEqualTo(new Action.Redirect(301, "https://new.example.com{uri}"));
        assertThat(action(config, "new.example.com")).isEqualTo(new Action.Redirect(308, "https://example.com{uri}"));
        assertThat(action(config, "status.example.com"))
                .isEqualTo(new Action.Respond(200, "ok\n", Map.of("Content-Type", "text/plain")));
        assertThat(action(config, "*.preview.example.com")).isEqualTo(new Action.Respond(204, "", Map.of()));
        assertThat(config.sites().get("*.preview.example.com").isWildcard()).isTrue();

        List<Route> routes = config.sites().get("api.example.com").routes();
        RouteMatch first = routes.get(0).match();
        assertThat(first.methods()).isEqualTo(Set.of("GET", "POST"));
        assertThat(first.headers()).containsExactly(new ValueMatch("X-Canary", Optional.of("1"), false),
                new ValueMatch("X-Debug", Optional.empty(), false),
                new ValueMatch("User-Agent", Optional.of(".*bot.*"), true));
        assertThat(first.query()).containsExactly(new ValueMatch("debug", Optional.empty(), false));
        assertThat(first.sources()).containsExactly(Cidr.parse("10.0.0.0/8"));
        assertThat(routes.get(1).match().methods()).containsExactly("DELETE");
        assertThat(config.upstreams().get("api").targets()).containsExactly(
                new Target("::1", 8081, 7), new Target("backend.internal", 9000, Target.DEFAULT_WEIGHT));
        assertThat(config.admin()).contains(new Admin("127.0.0.1", 2019));
    }

    @Test
    void adminListensOnLoopbackOnly() throws Exception {
        String upstreams = "sites:\n  example.com: { upstream: app }\nupstreams:\n  app: { targets: [127.0.0.1:8000] }\n";
        assertThat(ConfigLoader.parse("admin: { listen: \"[::1]:0\" }\n" + upstreams, SOURCE).admin())
                .contains(new Admin("::1", 0));
        assertThat(ConfigLoader.parse("admin: { listen: \"localhost:2019\" }\n" + upstreams, SOURCE).admin())
                .contains(new Admin("localhost", 2019));
        List<ConfigError> errors = errors("admin: { listen: \"0.0.0.0:2019\" }\n" + upstreams);
        assertThat(errors).extracting(ConfigError::message).singleElement().asString()
                .startsWith("admin.listen: \"0.0.0.0:2019\" is not a loopback address, so the admin API needs a token")
                .contains("token_env: GATEHOUSE_ADMIN_TOKEN", "127.0.0.1:2019");
    }

    @Test
    void absentSectionsTakeTheirDefaults() throws Exception {
        GatehouseConfig config = ConfigLoader.parse("""
                sites:
                  example.com: { upstream: app }
                upstreams:
                  app: { targets: [127.0.0.1:8000] }
                """, SOURCE);

        assertThat(config.listen()).isEqualTo(new Listen("0.0.0.0", OptionalInt.of(80), OptionalInt.of(443)));
        assertThat(config.timeouts()).isEqualTo(Timeouts.DEFAULTS);
        assertThat(config.limits()).isEqualTo(Limits.DEFAULTS);
        assertThat(config.accessLog()).isEqualTo(AccessLog.DEFAULT);
        assertThat(config.email()).isEmpty();
        assertThat(config.defaultSite()).isEmpty();
        assertThat(config.trustedProxies()).isEmpty();
        assertThat(config.upstreams().get("app").targets()).containsExactly(new Target("127.0.0.1", 8000, 100));
        assertThat(config.source()).isEqualTo(SOURCE);
        assertThat(config.admin()).isEmpty();
    }

    @Test
    void partialSectionsDefaultEachMissingField() throws Exception {
        GatehouseConfig config = ConfigLoader.parse("""
                listen: { https: 8443 }
                timeouts: { connect: 1s }
                limits: { max_uri: 2kb }
                access_log: off
                sites:
                  example.com: { respond: 204 }
                """, SOURCE);

        assertThat(config.listen()).isEqualTo(new Listen("0.0.0.0", OptionalInt.of(80), OptionalInt.of(8443)));
        assertThat(config.timeouts()).isEqualTo(new Timeouts(Duration.ofSeconds(1), Timeouts.DEFAULTS.upstreamHeader(),
                Timeouts.DEFAULTS.idle(), Timeouts.DEFAULTS.clientHeader(), Timeouts.DEFAULTS.websocket(),
                Timeouts.DEFAULTS.shutdown(), Duration.ofSeconds(60)));
        assertThat(config.limits()).isEqualTo(new Limits(Limits.DEFAULTS.maxBody(), 2048, Limits.DEFAULTS.maxHeaders(),
                Limits.defaultMaxConnections()));
        assertThat(Limits.defaultMaxConnections()).as("at most 10,000, at most half the descriptor limit")
                .isBetween(1, 10_000);
        assertThat(config.accessLog().enabled()).isFalse();
    }

    @Test
    void unknownKeySuggestsTheClosestValidKey() {
        assertThat(errors("""
                sites:
                  example.com:
                    upstram: app
                upstreams:
                  app: { targets: [127.0.0.1:8000] }
                """)).extracting(ConfigError::line, ConfigError::column, ConfigError::message, ConfigError::hint)
                .containsExactly(tuple(3, 5, "sites.\"example.com\": unknown key \"upstram\"",
                        Optional.of("did you mean \"upstream\"?")));
    }

    @Test
    void unknownKeyFarFromAnyValidKeyListsTheValidKeys() {
        ConfigError error = single("""
                sites:
                  example.com: { respond: 204 }
                listen: { http: 8080, backlog: 100 }
                """);
        assertThat(error).extracting(ConfigError::line, ConfigError::column).containsExactly(3, 23);
        assertThat(error.message()).isEqualTo("listen: unknown key \"backlog\"");
        assertThat(error.hint()).contains("valid keys: http, https, address, h2c, proxy_protocol, proxy_protocol_from");
    }

    @Test
    void unknownUpstreamSuggestsTheClosestName() {
        ConfigError error = single("""
                sites:
                  example.com:
                    upstream: ap1
                upstreams:
                  app1: { targets: [127.0.0.1:8000] }
                  api: { targets: [127.0.0.1:8001] }
                """);
        assertThat(error).extracting(ConfigError::line, ConfigError::column).containsExactly(3, 15);
        assertThat(error.message()).isEqualTo("sites.\"example.com\".upstream: unknown upstream \"ap1\"");
        assertThat(error.hint()).contains("did you mean \"app1\"?");
    }

    @Test
    void unknownUpstreamInARouteListsTheDefinedOnes() {
        ConfigError error = single("""
                sites:
                  example.com:
                    routes:
                      - path: /api/*
                        upstream: backend
                upstreams:
                  app1: { targets: [127.0.0.1:8000] }
                  app2: { targets: [127.0.0.1:8001] }
                """);
        assertThat(error).extracting(ConfigError::line, ConfigError::column).containsExactly(5, 19);
        assertThat(error.message()).isEqualTo("sites.\"example.com\".routes[0].upstream: unknown upstream \"backend\"");
        assertThat(error.hint()).contains("defined upstreams: app1, app2");
    }

    @Test
    void unknownUpstreamWithNoUpstreamsSaysWhereToDefineOne() {
        ConfigError error = single("""
                sites:
                  example.com: { upstream: app }
                """);
        assertThat(error.hint()).contains("no upstreams are defined; add one under upstreams:");
    }

    @Test
    void duplicateHostIsCaseInsensitive() {
        ConfigError error = single("""
                sites:
                  example.com: { respond: 204 }
                  Example.COM: { respond: 200 }
                """);
        assertThat(error).extracting(ConfigError::line, ConfigError::column).containsExactly(3, 3);
        assertThat(error.message()).isEqualTo("sites: duplicate site \"Example.COM\"");
        assertThat(error.hint()).contains("first given at line 2");
    }

    @Test
    void portOutOfRange() {
        ConfigError error = single("""
                listen: { http: 65536, https: 443 }
                sites: { example.com: { respond: 204 } }
                """);
        assertThat(error).extracting(ConfigError::line, ConfigError::column).containsExactly(1, 17);
        assertThat(error.message()).isEqualTo("listen.http: 65536 is out of range (expected: 0..65535)");
        assertThat(error.hint()).contains("or off to turn the listener off");
    }

    @Test
    void badDuration() {
        ConfigError error = single("""
                timeouts:
                  connect: 5 s
                sites: { example.com: { respond: 204 } }
                """);
        assertThat(error).extracting(ConfigError::line, ConfigError::column).containsExactly(2, 12);
        assertThat(error.message()).isEqualTo(
                "timeouts.connect: \"5 s\" is not a duration (expected: like 500ms, 10s, 5m, 1h, 365d)");
    }

    @Test
    void badWeight() {
        ConfigError error = single("""
                sites: { example.com: { upstream: api } }
                upstreams:
                  api:
                    targets:
                      - { address: 127.0.0.1:8080, weight: 1001 }
                """);
        assertThat(error).extracting(ConfigError::line, ConfigError::column).containsExactly(5, 44);
        assertThat(error.message()).isEqualTo("upstreams.api.targets[0].weight: 1001 is out of range (expected: 0..1000)");
    }

    @Test
    void targetNotHostPort() {
        ConfigError error = single("""
                sites: { example.com: { upstream: api } }
                upstreams:
                  api: { targets: [127.0.0.1:8000, "::1:8080"] }
                """);
        assertThat(error).extracting(ConfigError::line, ConfigError::column).containsExactly(3, 36);
        assertThat(error.message()).startsWith("upstreams.api.targets[1]: \"::1:8080\" is not host:port")
                .contains("[::1]:8080");
    }

    @Test
    void siteWithoutAction() {
        ConfigError error = single("""
                sites:
                  example.com:
                    hsts: 1d
                """);
        assertThat(error).extracting(ConfigError::line, ConfigError::column).containsExactly(2, 3);
        assertThat(error.message()).isEqualTo("sites.\"example.com\": no action "
                + "(expected: one of upstream, redirect, respond, files, or routes)");
    }

    @Test
    void routeWithTwoActions() {
        ConfigError error = single("""
                sites:
                  example.com:
                    routes:
                      - path: /
                        respond: 204
                        files: ./public
                """);
        assertThat(error).extracting(ConfigError::line, ConfigError::column).containsExactly(6, 9);
        assertThat(error.message()).isEqualTo("sites.\"example.com\".routes[0]: both \"respond\" and \"files\" "
                + "given (expected: exactly one action)");
    }

    @Test
    void routeWithoutAction() {
        ConfigError error = single("""
                sites:
                  example.com:
                    routes:
                      - path: /
                """);
        assertThat(error).extracting(ConfigError::line, ConfigError::column).containsExactly(4, 9);
        assertThat(error.message()).startsWith("sites.\"example.com\".routes[0]: no action");
    }

    @Test
    void siteWithBothActionAndRoutes() {
        ConfigError error = single("""
                sites:
                  example.com:
                    respond: 204
                    routes:
                      - respond: 200
                """);
        assertThat(error).extracting(ConfigError::line, ConfigError::column).containsExactly(4, 5);
        assertThat(error.message()).isEqualTo("sites.\"example.com\": both \"respond\" and \"routes\" given "
                + "(expected: one action, or routes with one action each)");
    }

    @Test
    void emptySites() {
        ConfigError error = single("""
                email: ops@example.com
                sites: {}
                """);
        assertThat(error).extracting(ConfigError::line, ConfigError::column).containsExactly(2, 8);
        assertThat(error.message()).startsWith("sites: no sites (expected: at least one host name");
    }

    @Test
    void missingSites() {
        ConfigError error = single("""
                email: ops@example.com
                """);
        assertThat(error).extracting(ConfigError::line, ConfigError::column).containsExactly(1, 1);
        assertThat(error.message()).startsWith("no sites: map");
    }

    @Test
    void yamlSyntaxErrorHasItsPosition() {
        ConfigError error = single("""
                sites:
                  example.com: { respond: 204
                upstreams: {}
                """);
        assertThat(error.message()).isEqualTo("invalid YAML: expected ',' or '}', but got :");
        assertThat(error).extracting(ConfigError::line, ConfigError::column).containsExactly(3, 10);
        assertThat(error.hint()).contains("while parsing a flow mapping");
    }

    @Test
    void unquotedIpv6InAFlowListIsAYamlErrorSoItMustBeQuoted() {
        // snakeyaml-engine reads "::1" after "[" as a mapping colon; "- ::1" (block list) or "::1" quoted work.
        ConfigError error = single("""
                trusted_proxies: [10.0.0.0/8, ::1]
                sites: { example.com: { respond: 204 } }
                """);
        assertThat(error.message()).startsWith("invalid YAML: ");
        assertThat(error).extracting(ConfigError::line, ConfigError::column).containsExactly(1, 31);
    }

    @Test
    void ipv6InABlockListNeedsNoQuotes() throws Exception {
        GatehouseConfig config = ConfigLoader.parse("""
                trusted_proxies:
                  - ::1
                sites: { example.com: { respond: 204 } }
                """, SOURCE);
        assertThat(config.trustedProxies()).containsExactly(Cidr.parse("::1"));
    }

    @Test
    void yamlDuplicateKeyIsReported() {
        ConfigError error = single("""
                sites:
                  example.com:
                    respond: 204
                    http: allow
                    http: redirect
                """);
        assertThat(error).extracting(ConfigError::line, ConfigError::column).containsExactly(5, 5);
        assertThat(error.message()).isEqualTo("sites.\"example.com\": duplicate key \"http\"");
        assertThat(error.hint()).contains("first given at line 4");
    }

    @Test
    void badRegexAndBadMethodAndBadPath() {
        List<ConfigError> errors = errors("""
                sites:
                  example.com:
                    routes:
                      - path: api/*
                        methods: [GET, "NO SUCH"]
                        headers: { X-Canary: "~[a-" }
                        respond: 204
                """);
        assertThat(errors).extracting(ConfigError::line, ConfigError::column).containsExactly(
                tuple(4, 15), tuple(5, 24), tuple(6, 30));
        assertThat(errors.get(0).hint()).contains("write \"/api/*\"");
        assertThat(errors.get(1).message()).contains("\"NO SUCH\" is not a valid method");
        assertThat(errors.get(2).message()).contains("\"~[a-\" is not a valid regular expression");
    }

    @Test
    void conflictingKeysAreReportedAtTheSecond() {
        List<ConfigError> errors = errors("""
                listen: { http: 8443, https: 8443 }
                sites:
                  example.com:
                    routes:
                      - methods: [GET]
                        method: POST
                        respond: 204
                """);
        assertThat(errors).extracting(ConfigError::line, ConfigError::column, ConfigError::message).containsExactly(
                tuple(1, 30, "listen.https: port 8443 is used for both http and https (expected: two different ports)"),
                tuple(6, 9, "sites.\"example.com\".routes[0]: both \"methods\" and \"method\" given "
                        + "(expected: one of them)"));
    }

    @Test
    void unknownDefaultSite() {
        ConfigError error = single("""
                default_site: exmple.com
                sites: { example.com: { respond: 204 } }
                """);
        assertThat(error).extracting(ConfigError::line, ConfigError::column).containsExactly(1, 15);
        assertThat(error.message()).isEqualTo("default_site: unknown site \"exmple.com\"");
        assertThat(error.hint()).contains("did you mean \"example.com\"?");
    }

    @Test
    void smallerValueErrors() {
        List<ConfigError> errors = errors("""
                email: not-an-address
                limits: { max_body: 10 mb }
                access_log: { format: jsn }
                acme: { directory: ftp://acme.example }
                admin: { listen: localhost }
                sites:
                  a_b.example.com: { redirect: { to: /x, status: 200 } }
                  "*.*.example.com": { http: https_only, respond: 204 }
                """);
        assertThat(errors).extracting(ConfigError::line, ConfigError::column, ConfigError::message).containsExactly(
                tuple(1, 8, "email: \"not-an-address\" is not an email address (expected: like ops@example.com)"),
                tuple(2, 21, "limits.max_body: \"10 mb\" is not a size (" + Sizes.EXPECTED + ")"),
                tuple(3, 23, "access_log.format: unknown format \"jsn\" (expected: common or json)"),
                tuple(4, 20, "acme.directory: \"ftp://acme.example\" is not an http(s) URL "
                        + "(expected: like https://acme-v02.api.letsencrypt.org/directory)"),
                tuple(5, 18, "admin.listen: \"localhost\" is not host:port (" + HostPort.EXPECTED + ")"),
                tuple(7, 3, "sites: \"a_b.example.com\" is not a host name (expected: like example.com, "
                        + "or *.example.com where * stands for exactly one label)"),
                tuple(7, 50, "sites.\"a_b.example.com\".redirect.status: 200 is not a redirect status "
                        + "(expected: 301, 302, 303, 307 or 308)"),
                tuple(8, 3, "sites: \"*.*.example.com\" is not a host name (expected: like example.com, "
                        + "or *.example.com where * stands for exactly one label)"),
                tuple(8, 30, "sites.\"*.*.example.com\".http: unknown policy \"https_only\" "
                        + "(expected: redirect, https-only, allow)"));
        assertThat(errors.get(2).hint()).contains("did you mean \"json\"?");
        assertThat(errors.get(8).hint()).contains("did you mean \"https-only\"?");
    }

    @Test
    void clientBodyAndMaxConnectionsErrorsHaveTheirPositions() {
        List<ConfigError> errors = errors("""
                timeouts: { client_body: 0s }
                limits: { max_connections: 0 }
                sites:
                  example.com: { respond: 204 }
                """);
        assertThat(errors).extracting(ConfigError::line, ConfigError::column, ConfigError::message).containsExactly(
                tuple(1, 26, "timeouts.client_body: 0 is too short (expected: more than 0, like 10s)"),
                tuple(2, 28, "limits.max_connections: 0 is out of range (expected: 1..10000000)"));
        assertThat(errors("""
                timeouts: { client_body: soon }
                limits: { max_connections: many }
                sites:
                  example.com: { respond: 204 }
                """)).extracting(ConfigError::line, ConfigError::message).containsExactly(
                tuple(1, "timeouts.client_body: \"soon\" is not a duration (" + Durations.EXPECTED + ")"),
                tuple(2, "limits.max_connections: \"many\" is not a whole number (expected: 1..10000000)"));
    }

    @Test
    void bufferRequestsErrorsHaveTheirPositions() {
        List<ConfigError> errors = errors("""
                sites:
                  a.example.com: { respond: 204, buffer_requests: maybe }
                  b.example.com:
                    routes:
                      - { respond: 204, buffer_requests: 0 }
                """);
        assertThat(errors).extracting(ConfigError::line, ConfigError::column, ConfigError::message).containsExactly(
                tuple(2, 51, "sites.\"a.example.com\".buffer_requests: \"maybe\" is not true, false or a size "
                        + "(" + BufferRequests.EXPECTED + ")"),
                tuple(5, 42, "sites.\"b.example.com\".routes[0].buffer_requests: 0 bytes would refuse every body "
                        + "(" + BufferRequests.EXPECTED + ")"));
    }

    @Test
    void reportsEveryErrorAtOnceInFileOrder() {
        List<ConfigError> errors = errors("""
                listen: { http: 70000 }
                timeouts: { connect: 5 s, idel: 3s }
                sites:
                  app.example.com:
                    upstream: ap
                  example.com:
                    files: ./public
                    upstream: app
                upstreams:
                  app:
                    targets:
                      - { address: 127.0.0.1:8080, weight: -3 }
                      - localhost
                """);
        assertThat(errors).extracting(e -> e.line() + ":" + e.column()).containsExactly(
                "1:17", "2:22", "2:27", "5:15", "8:5", "12:44", "13:9");
        assertThat(errors.get(2).hint()).contains("did you mean \"idle\"?");
        assertThat(errors).allSatisfy(e -> assertThat(e.file()).isEqualTo(SOURCE));
    }

    @Test
    void loadResolvesRelativePathsAgainstTheFilesDirectory(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gatehouse.yaml");
        Files.writeString(file, "sites: { example.com: { files: public } }\n");

        GatehouseConfig config = ConfigLoader.load(file);

        assertThat(action(config, "example.com")).isEqualTo(new Action.Files(dir.resolve("public"), "index.html"));
    }

    @Test
    void loadOfAMissingFileGivesOneClearError(@TempDir Path dir) {
        Path file = dir.resolve("nope.yaml");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        assertThat(e.errors()).extracting(ConfigError::file, ConfigError::line, ConfigError::column,
                ConfigError::message).containsExactly(tuple(file, 1, 1, "cannot read the config file: no such file"));
        assertThat(e.getMessage()).isEqualTo(file + ":1:1: cannot read the config file: no such file");
    }

    @Test
    void emptyOrNonMapFileIsRejected() {
        assertThat(single("").message()).startsWith("the config is empty");
        assertThat(single("- a\n- b\n").message()).isEqualTo(
                "expected a map of settings like sites: and upstreams:, got a list");
    }

    private static Action action(GatehouseConfig config, String host) {
        return config.sites().get(host).routes().get(0).action();
    }

    private static ConfigError single(String yaml) {
        List<ConfigError> errors = errors(yaml);
        assertThat(errors).hasSize(1);
        return errors.get(0);
    }

    private static List<ConfigError> errors(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, SOURCE));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        return e.errors();
    }
}
