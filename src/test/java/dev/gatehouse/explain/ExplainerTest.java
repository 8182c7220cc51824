package dev.gatehouse.explain;

import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.server.CompiledView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What explain finds for configs compiled from a file as {@code run} compiles them: the real router, chains, stages,
 * pools and files on disk; nothing started, nothing sent.
 */
class ExplainerTest {
    @TempDir
    Path dir;

    private static final String CONFIG = """
            listen: { http: 80, https: 443 }
            sites:
              api.example.com:
                hsts: 365d
                routes:
                  - path: /ws/*
                    methods: [GET]
                    upstream: api
                  - path: /admin/*
                    source: [10.0.0.0/8]
                    respond: { status: 200, body: "admin\\n" }
                  - path: /v1/*
                    headers: { X-Canary: "1" }
                    upstream: canary
                  - path: /old/*
                    redirect: "https://new.example.com{path}?from={host}"
                  - path: /health
                    http: allow
                    respond: 204
                  - upstream: api
              "*.apps.example.com":
                http: https-only
                upstream: api
              static.example.com:
                files: ./public
            upstreams:
              api:
                targets:
                  - { address: 127.0.0.1:8080, weight: 100 }
                  - { address: 127.0.0.1:8081, weight: 0 }
                  - { address: 127.0.0.1:8082, weight: 300 }
              canary:
                policy: hash
                hash: { on: header X-User }
                targets: [127.0.0.1:9001, 127.0.0.1:9002, 127.0.0.1:9003]
            """;

    private Explanation explain(String yaml, String method, String url, List<String> headers, String client)
            throws Exception {
        Path file = dir.resolve("gatehouse.yaml");
        Files.writeString(file, yaml);
        GatehouseConfig config = ConfigLoader.load(file);
        return Explainer.of(CompiledView.offline(config))
                .explain(ExplainRequest.parse(method, url, headers, Optional.ofNullable(client)));
    }

    private Explanation explain(String url, String... headers) throws Exception {
        return explain(CONFIG, "GET", url, List.of(headers), null);
    }

    @Test
    void theMatchingRouteIsShownAsWrittenWithWhyEachEarlierOneDidNotMatch() throws Exception {
        Explanation e = explain(CONFIG, "POST", "https://API.example.com:443/v1/orders?x=1", List.of("X-Canary: 0"),
                "10.9.9.9");

        assertThat(e.site().name()).contains("api.example.com");
        assertThat(e.site().how()).isEqualTo("its exact name");
        assertThat(e.site().at().orElseThrow().line()).isEqualTo(3);
        assertThat(e.routes()).extracting(Explanation.RouteStep::conditions).containsExactly(
                List.of("path: /ws/*", "methods: [GET]"),
                List.of("path: /admin/*", "source: [10.0.0.0/8]"),
                List.of("path: /v1/*", "headers: { X-Canary: \"1\" }"),
                List.of("path: /old/*"),
                List.of("path: /health"),
                List.of());
        assertThat(e.routes()).extracting(Explanation.RouteStep::why).containsExactly(
                "path: /v1/orders is not /ws/*",
                "path: /v1/orders is not /admin/*",
                "headers: header X-Canary: [\"0\"] is not \"1\"",
                "path: /v1/orders is not /old/*",
                "path: /v1/orders is not /health",
                "");
        assertThat(e.routes().get(5).matched()).isTrue();
        assertThat(e.routes().get(5).at().orElseThrow().line()).isEqualTo(20);
        assertThat(e.action().summary()).isEqualTo("upstream api");
        assertThat(e.action().at().orElseThrow().text()).isEqualTo("upstream: api");
        assertThat(e.outcome().refused()).isFalse();
        assertThat(e.request().client()).isEqualTo("10.9.9.9");
    }

    @Test
    void aMethodOrSourceConditionSaysWhichValueFailed() throws Exception {
        Explanation ws = explain(CONFIG, "POST", "https://api.example.com/ws/chat", List.of(), null);
        assertThat(ws.routes().get(0).why()).isEqualTo("methods: POST is not one of [GET]");

        Explanation admin = explain(CONFIG, "GET", "https://api.example.com/admin/x", List.of(), "192.0.2.1");
        assertThat(admin.routes().get(1).why()).isEqualTo("source: client 192.0.2.1 is in none of [10.0.0.0/8]");
        Explanation inside = explain(CONFIG, "GET", "https://api.example.com/admin/x", List.of(), "10.1.1.1");
        assertThat(inside.routes()).hasSize(2);
        assertThat(inside.action().kind()).isEqualTo("respond");
        assertThat(inside.action().status()).isEqualTo(200);
        assertThat(inside.action().details()).containsExactly("body: \"admin\\n\"");
    }

    @Test
    void httpsStagesComeFromTheCompiledChainWithWhereTheirSettingIsWritten() throws Exception {
        Explanation e = explain("https://api.example.com/anything");

        assertThat(e.stages()).hasSize(1);
        Explanation.StageStep hsts = e.stages().get(0);
        assertThat(hsts.key()).isEqualTo("hsts");
        assertThat(hsts.where()).isEqualTo("site");
        assertThat(hsts.at().orElseThrow().text()).isEqualTo("hsts: 365d");
        assertThat(hsts.effect()).contains("Strict-Transport-Security: max-age=31536000");
        assertThat(e.plainHttp()).isEqualTo("http: redirect: plain HTTP gets 308 to the same URL on https");
    }

    @Test
    void plainHttpIsRedirectedBeforeTheActionUnlessTheRouteAllowsIt() throws Exception {
        Explanation redirected = explain("http://api.example.com/v1/x?y=2");
        assertThat(redirected.stages()).extracting(Explanation.StageStep::key)
                .containsExactly("acme-challenge", "http");
        Explanation.StageStep http = redirected.stages().get(1);
        assertThat(http.where()).isEqualTo("default");
        assertThat(http.answers()).contains(308);
        assertThat(http.location()).contains("https://api.example.com/v1/x?y=2");
        assertThat(redirected.action().reached()).isFalse();
        assertThat(redirected.outcome().status()).isEqualTo(308);
        assertThat(redirected.outcome().refused()).isFalse();

        Explanation allowed = explain("http://api.example.com/health");
        assertThat(allowed.stages()).extracting(Explanation.StageStep::key).containsExactly("acme-challenge");
        assertThat(allowed.action().status()).isEqualTo(204);
        assertThat(allowed.plainHttp()).isEqualTo("http: allow: served over plain HTTP as well");
    }

    @Test
    void httpsOnlyRefusesPlainHttpWithTheWildcardSite() throws Exception {
        Explanation e = explain("http://one.apps.example.com/");
        assertThat(e.site().how()).isEqualTo("the wildcard *.apps.example.com (one label)");
        Explanation.StageStep http = e.stages().get(1);
        assertThat(http.where()).isEqualTo("site");
        assertThat(http.at().orElseThrow().text()).isEqualTo("http: https-only");
        assertThat(e.outcome().status()).isEqualTo(403);
        assertThat(e.outcome().refused()).isTrue();

        Explanation twoLabels = explain("http://a.b.apps.example.com/");
        assertThat(twoLabels.site().name()).isEmpty();
        assertThat(twoLabels.outcome().status()).isEqualTo(404);
        assertThat(twoLabels.outcome().refused()).isTrue();
    }

    @Test
    void anUnknownHostOverHttpsFailsTheHandshakeAndADefaultSiteTakesIt() throws Exception {
        Explanation unknown = explain("https://elsewhere.test/");
        assertThat(unknown.site().how()).contains("no site is named elsewhere.test", "no default_site");
        assertThat(unknown.certificate()).isEmpty();
        assertThat(unknown.outcome().refused()).isTrue();
        assertThat(unknown.outcome().summary()).contains("TLS handshake fails");

        Explanation fallback = explain(CONFIG.replace("sites:", "default_site: static.example.com\nsites:"), "GET",
                "https://elsewhere.test/", List.of(), null);
        assertThat(fallback.site().name()).contains("static.example.com");
        assertThat(fallback.site().how()).isEqualTo("default_site: no site is named elsewhere.test");
        assertThat(fallback.site().at().orElseThrow().text()).isEqualTo("default_site: static.example.com");
        assertThat(fallback.certificate().orElseThrow().note()).contains("does not name elsewhere.test");
    }

    @Test
    void theRedirectTargetHasItsPlaceholdersFilled() throws Exception {
        Explanation e = explain("https://api.example.com/old/page?q=1");
        assertThat(e.action().kind()).isEqualTo("redirect");
        assertThat(e.action().summary())
                .isEqualTo("redirect 308 to https://new.example.com/old/page?from=api.example.com");
        assertThat(e.outcome().status()).isEqualTo(308);
        assertThat(e.outcome().refused()).isFalse();
    }

    @Test
    void filesSayWhichFileWouldBeSentOrWhyNone() throws Exception {
        Files.createDirectories(dir.resolve("public/docs"));
        Files.writeString(dir.resolve("public/docs/index.html"), "<h1>docs</h1>");

        Explanation found = explain("https://static.example.com/docs/");
        assertThat(found.action().details()).contains("file " + dir.resolve("public/docs/index.html").toRealPath()
                + " (exists)");
        assertThat(found.action().status()).isEqualTo(200);

        Explanation slash = explain("https://static.example.com/docs");
        assertThat(slash.action().status()).isEqualTo(301);
        assertThat(slash.action().details()).contains("a directory: 301 to /docs/");

        Explanation missing = explain("https://static.example.com/nope.css");
        assertThat(missing.action().status()).isEqualTo(404);
        assertThat(missing.action().details()).contains("no file: no such file");
        assertThat(missing.outcome().refused()).isTrue();
    }

    @Test
    void aPoolShowsItsTargetsAndThePickWhenThePolicyKnowsItInAdvance() throws Exception {
        Explanation rr = explain("https://api.example.com/x");
        var pool = rr.action().pool().orElseThrow();
        assertThat(pool.policy()).isEqualTo("round_robin");
        assertThat(pool.pick()).isEmpty();
        assertThat(pool.targets()).extracting(t -> t.address() + " " + t.usable() + " " + t.share() + " " + t.why())
                .containsExactly("127.0.0.1:8080 true 25 ", "127.0.0.1:8081 false 0 weight 0 (parked)",
                        "127.0.0.1:8082 true 75 ");
        assertThat(rr.action().details()).anyMatch(d -> d.startsWith("health: not known from a file"));

        Explanation first = explain("https://api.example.com/v1/a", "X-Canary: 1", "X-User: alice");
        Explanation again = explain("https://api.example.com/v1/b", "X-Canary: 1", "X-User: alice");
        var hashed = first.action().pool().orElseThrow();
        assertThat(hashed.policy()).isEqualTo("hash");
        assertThat(hashed.pick()).isPresent();
        assertThat(again.action().pool().orElseThrow().pick()).isEqualTo(hashed.pick());
        assertThat(first.action().details()).contains("would go to " + hashed.pick().get() + " now");
    }

    @Test
    void aListenerThatIsOffRefusesTheConnection() throws Exception {
        Explanation e = explain(CONFIG.replace("https: 443", "https: off"), "GET", "https://api.example.com/",
                List.of(), null);
        assertThat(e.listener().on()).isFalse();
        assertThat(e.outcome().refused()).isTrue();
        assertThat(e.outcome().summary()).isEqualTo("refused: listen.https is off: Gatehouse takes no https connections");
    }

    @Test
    void theTextShowsEveryStepAndTheJsonCarriesTheSame() throws Exception {
        Explanation e = explain(CONFIG, "GET", "http://api.example.com/ws/chat", List.of(), null);
        StringWriter text = new StringWriter();
        boolean refused = new ExplanationText(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC))
                .print(ExplanationJson.of(e), new PrintWriter(text));

        assertThat(refused).isFalse();
        assertThat(text.toString()).contains(
                "GET http://api.example.com/ws/chat  from 192.0.2.10 (any client; --client IP picks one)",
                "site:        api.example.com, by its exact name (" + dir.resolve("gatehouse.yaml") + ":3)",
                "  #1 " + dir.resolve("gatehouse.yaml") + ":6  path: /ws/*, methods: [GET]   <- matches",
                "  http (default)",
                "http: redirect: plain HTTP is redirected to HTTPS -> 308 https://api.example.com/ws/chat",
                "action:      upstream api (" + dir.resolve("gatehouse.yaml") + ":8) (not reached: a stage answers "
                        + "first)",
                "pool api (" + dir.resolve("gatehouse.yaml") + ":27)",
                "127.0.0.1:8081         weight 0    unknown   0 in flight  not usable: weight 0 (parked)",
                "outcome:     answered by the http stage: 308 to https://api.example.com/ws/chat");
    }

    private static final String ACCESS = """
            listen: { http: 80, https: 443 }
            trusted_proxies: [10.0.0.0/8]
            sites:
              app.example.com:
                deny: [203.0.113.13]
                rate_limit: { rate: 10/s, burst: 20 }
                conn_limit: { per_client: 5 }
                cache: true
                routes:
                  - path: /admin/*
                    allow: [198.51.100.0/24]
                    basic_auth: { users: { alice: "$2y$04$ETvHtBIPxqJYX2S4R2QUruiscsHqiZVqhcXpN0.kz2l/2vTB9.Tke" } }
                    upstream: app
                  - path: /sso/*
                    forward_auth: { url: "http://127.0.0.1:9091/verify" }
                    upstream: app
                  - upstream: app
            upstreams:
              app: { targets: [127.0.0.1:8080] }
            """;

    @Test
    void accessStagesSayWhetherTheyWouldRefuseThisClientWithoutCountingIt() throws Exception {
        Explanation denied = explain(ACCESS, "GET", "https://app.example.com/", List.of(), "203.0.113.13");
        assertThat(denied.stages()).extracting(Explanation.StageStep::key)
                .containsExactly("deny", "conn_limit", "rate_limit", "cache");
        assertThat(denied.stages().get(0).answers()).contains(403);
        assertThat(denied.stages().get(0).at().orElseThrow().text()).isEqualTo("deny: [203.0.113.13]");
        assertThat(denied.stages().get(1).reached()).isFalse();
        assertThat(denied.outcome().summary()).isEqualTo("answered by the deny stage: 403");
        assertThat(denied.outcome().refused()).isTrue();

        Explanation fine = explain(ACCESS, "GET", "https://app.example.com/page", List.of(), "203.0.113.7");
        assertThat(fine.stages()).allSatisfy(s -> assertThat(s.answers()).isEmpty());
        assertThat(fine.stages().get(2).effect()).contains("RateLimit-Policy", "explain takes no token");
        assertThat(fine.stages().get(3).effect()).startsWith("answers from the cache when a fresh response is stored");
        for (int i = 0; i < 50; i++) {
            assertThat(explain(ACCESS, "GET", "https://app.example.com/page", List.of(), "203.0.113.7")
                    .outcome().refused()).as("explaining took no token from the rate limit").isFalse();
        }

        Explanation post = explain(ACCESS, "POST", "https://app.example.com/page", List.of(), "203.0.113.7");
        assertThat(post.stages().get(3).effect()).startsWith("passes POST on uncached");
    }

    @Test
    void anAllowListAndBasicAuthAtARouteAnswerWithTheirOwnStatus() throws Exception {
        Explanation outside = explain(ACCESS, "GET", "https://app.example.com/admin/", List.of(), "203.0.113.7");
        Explanation.StageStep allow = outside.stages().stream().filter(s -> s.key().equals("allow")).findFirst()
                .orElseThrow();
        assertThat(allow.where()).isEqualTo("route");
        assertThat(allow.answers()).contains(403);
        assertThat(allow.effect()).isEqualTo("refuses the client 203.0.113.7: it is in none of [198.51.100.0/24]");

        Explanation noPassword = explain(ACCESS, "GET", "https://app.example.com/admin/", List.of(), "198.51.100.9");
        assertThat(noPassword.outcome().status()).isEqualTo(401);
        assertThat(noPassword.outcome().by()).isEqualTo("stage basic_auth");

        String alice = "Authorization: Basic " + java.util.Base64.getEncoder().encodeToString("alice:x".getBytes());
        Explanation withUser = explain(ACCESS, "GET", "https://app.example.com/admin/", List.of(alice),
                "198.51.100.9");
        assertThat(withUser.outcome().refused()).isFalse();
        assertThat(withUser.stages()).anySatisfy(s -> assertThat(s.effect())
                .startsWith("checks the password of alice (explain checks no passwords)"));

        String bob = "Authorization: Basic " + java.util.Base64.getEncoder().encodeToString("bob:x".getBytes());
        assertThat(explain(ACCESS, "GET", "https://app.example.com/admin/", List.of(bob), "198.51.100.9")
                .outcome().status()).isEqualTo(401);

        Explanation sso = explain(ACCESS, "GET", "https://app.example.com/sso/x", List.of(), "203.0.113.7");
        assertThat(sso.stages()).anySatisfy(s -> assertThat(s.effect())
                .startsWith("asks http://127.0.0.1:9091/verify first"));
    }

    @Test
    void behindATrustedProxyTheClientIsTheForwardedOne() throws Exception {
        Explanation e = explain(ACCESS, "GET", "https://app.example.com/", List.of("X-Forwarded-For: 203.0.113.13"),
                "10.0.0.2");
        assertThat(e.request().client()).isEqualTo("203.0.113.13");
        assertThat(e.request().peer()).isEqualTo("10.0.0.2");
        assertThat(e.outcome().by()).isEqualTo("stage deny");

        Explanation untrusted = explain(ACCESS, "GET", "https://app.example.com/",
                List.of("X-Forwarded-For: 203.0.113.13"), "192.0.2.50");
        assertThat(untrusted.request().client()).isEqualTo("192.0.2.50");
        assertThat(untrusted.outcome().refused()).isFalse();
    }
}
