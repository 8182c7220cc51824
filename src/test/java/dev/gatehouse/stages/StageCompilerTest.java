package dev.gatehouse.stages;

import dev.gatehouse.acme.Http01Tokens;
import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.Limits;
import dev.gatehouse.config.Route;
import dev.gatehouse.config.Site;
import dev.gatehouse.http.Handler;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Which stages a route's chains get: site keys, route keys replacing them, defaults, and nothing when none apply. */
class StageCompilerTest {
    private static final String OK = "GET /x HTTP/1.1\r\nHost: a.test\r\n\r\n";
    private final AtomicInteger httpsPort = new AtomicInteger(8443);
    private final StageCompiler compiler = new StageCompiler(new StageServices(httpsPort::get, new Http01Tokens(),
            Limits.DEFAULTS, new BodyBuffers(Path.of("unused"))));

    @Test
    void bufferRequestsIsAStageOnlyWhereItIsOn() throws ConfigException {
        Site site = site("""
                a.test:
                  http: allow
                  buffer_requests: true
                  routes:
                    - { path: /stream/*, buffer_requests: false, respond: 204 }
                    - { respond: 204 }
                """);
        Handler action = StageHarness.respond(204, "");

        assertThat(compiler.route(site, site.routes().get(0), action).secure())
                .as("turned off by the route: the action itself, no code added").isSameAs(action);
        assertThat(compiler.route(site, site.routes().get(1), action).secure()).isNotSameAs(action);
    }

    @Test
    void aRouteWithNothingToDoRunsItsActionDirectly() throws ConfigException {
        Site site = site("a.test: { http: allow, respond: 204 }");
        Handler action = StageHarness.respond(204, "");

        Chains chains = compiler.route(site, site.routes().get(0), action);

        assertThat(chains.secure()).as("no HSTS, nothing else: the action's handler itself").isSameAs(action);
        assertThat(chains.plain()).as("the ACME HTTP-01 answer is on every plain chain").isNotSameAs(action);
    }

    @Test
    void aRouteKeyReplacesItsSitesKey() throws ConfigException {
        Site site = site("""
                a.test:
                  http: https-only
                  routes:
                    - { path: /health, http: allow, respond: 200 }
                    - { respond: 200 }
                """);
        Route health = site.routes().get(0);
        Route rest = site.routes().get(1);

        try (StageHarness h = harness(compiler.route(site, health, StageHarness.respond(200, "up")).plain())) {
            assertThat(h.send("GET /health HTTP/1.1\r\nHost: a.test\r\n\r\n").status()).isEqualTo(200);
        }
        try (StageHarness h = harness(compiler.route(site, rest, StageHarness.respond(200, "up")).plain())) {
            assertThat(h.send(OK).status()).isEqualTo(403);
        }
    }

    @Test
    void routesTakingASitesKeyShareOneStage() throws ConfigException {
        Site site = site("""
                a.test:
                  http: https-only
                  routes:
                    - { path: /a, respond: 200 }
                    - { path: /b, respond: 200 }
                    - { path: /c, http: allow, respond: 200 }
                """);
        Handler action = StageHarness.respond(200, "");
        List<Stage> a = StageCompiler.stagesOf(compiler.route(site, site.routes().get(0), action).plain());
        List<Stage> b = StageCompiler.stagesOf(compiler.route(site, site.routes().get(1), action).plain());
        List<Stage> c = StageCompiler.stagesOf(compiler.route(site, site.routes().get(2), action).plain());

        assertThat(a).hasSize(2).first().isInstanceOf(AcmeChallengeStage.class);
        assertThat(a.get(1)).isInstanceOf(HttpPolicyStage.class).isSameAs(b.get(1));
        assertThat(c).as("allow: no policy stage").hasSize(1);
    }

    @Test
    void theDefaultPolicyRedirectsAndHstsIsOnHttpsOnly() throws ConfigException {
        Site site = site("a.test: { hsts: 1d, respond: 200 }");
        Chains chains = compiler.route(site, site.routes().get(0), StageHarness.respond(200, "hi"));

        try (StageHarness h = harness(chains.plain())) {
            StageHarness.Result r = h.send(OK);
            assertThat(r.status()).isEqualTo(308);
            assertThat(r.headers().get("location")).isEqualTo("https://a.test:8443/x");
            assertThat(r.headers().contains("strict-transport-security")).isFalse();
        }
        try (StageHarness h = harness(chains.secure()).secure()) {
            StageHarness.Result r = h.send(OK);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().get("strict-transport-security")).isEqualTo("max-age=86400");
        }
    }

    @Test
    void aSitesNoRouteAnswerGoesThroughTheSitesStages() throws ConfigException {
        Site site = site("a.test: { hsts: 1d, routes: [ { path: /app/*, respond: 200 } ] }");
        Chains chains = compiler.noRoute(site, dev.gatehouse.routing.NotFoundHandler.NO_ROUTE);

        try (StageHarness h = harness(chains.secure()).secure()) {
            StageHarness.Result r = h.send(OK);
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).isEqualTo("404 Not Found: no route of this site matches the request\n");
            assertThat(r.headers().get("strict-transport-security")).isEqualTo("max-age=86400");
        }
    }

    @Test
    void withoutAnHttpsListenerPlainHttpIsServed() throws ConfigException {
        httpsPort.set(-1);
        Site site = site("a.test: { http: https-only, respond: 200 }");

        try (StageHarness h = harness(compiler.route(site, site.routes().get(0), StageHarness.respond(200, "plain"))
                .plain())) {
            assertThat(h.send(OK).body()).isEqualTo("plain");
        }
    }

    /** A harness whose only "stage" is a whole compiled chain, ending in that chain's own action. */
    private static StageHarness harness(Handler chain) {
        return StageHarness.of((exchange, next) -> chain.begin(exchange)).action(exchange -> {
            throw new AssertionError("the compiled chain has its own action");
        });
    }

    private static Site site(String yaml) throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse("sites:\n" + yaml.indent(2), Path.of("/tmp/gatehouse.yaml"));
        return config.sites().values().iterator().next();
    }
}
