package dev.gatehouse.stages;

import dev.gatehouse.acme.Http01Tokens;
import dev.gatehouse.config.Action;
import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.Limits;
import dev.gatehouse.config.Site;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import dev.gatehouse.routing.RespondHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** request_headers and response_headers: each operation both ways, placeholders, merging, only: upstream. */
class HeaderStagesTest {
    private static final String GET = "GET /shop/cart?item=7 HTTP/1.1\r\nHost: a.test\r\nX-Tenant: blue\r\n"
            + "X-Drop: yes\r\nX-Twice: 1\r\n\r\n";
    private final StageCompiler compiler = new StageCompiler(new StageServices(() -> -1, new Http01Tokens(),
            Limits.DEFAULTS, new BodyBuffers(Path.of("unused"))));

    @Test
    void requestRulesSetAddAndRemoveWithPlaceholders() throws ConfigException {
        Site site = site("""
                a.test:
                  http: allow
                  request_headers:
                    set: { X-Client: "{client_ip}", X-Where: "{scheme}://{host}{path}?{query}", X-Twice: "2" }
                    add: { X-Tenant: [green, "t-{header.x-tenant}"], X-Id: "{request_id} {site}" }
                    remove: [X-Drop]
                  respond: 200
                """);
        Seen seen = new Seen();

        try (StageHarness h = harness(compiler.route(site, site.routes().get(0), seen).plain())) {
            assertThat(h.send(GET).status()).isEqualTo(200);
        }

        HttpHeaders sent = seen.headers.get();
        assertThat(sent.get("x-client")).isEqualTo("127.0.0.1");
        assertThat(sent.get("x-where")).isEqualTo("http://a.test/shop/cart?item=7");
        assertThat(sent.getAll("x-twice")).as("set replaces").containsExactly("2");
        assertThat(sent.getAll("x-tenant")).as("add keeps the client's value; values are computed first")
                .containsExactly("blue", "green", "t-blue");
        assertThat(sent.get("x-id")).isEqualTo("test-request a.test");
        assertThat(sent.contains("x-drop")).isFalse();
    }

    @Test
    void responseRulesReachGatehousesOwnAnswersUnlessOnlyUpstream() throws ConfigException {
        Site site = site("""
                a.test:
                  http: allow
                  response_headers:
                    set: { X-Frame-Options: DENY, X-Path: "{path}" }
                    remove: [Server]
                  routes:
                    - path: /api/*
                      response_headers: { only: upstream, set: { X-Api: "1" } }
                      respond: 200
                    - respond: { status: 404, headers: { Server: "tiny/1.0" } }
                """);

        try (StageHarness h = harness(own(site, 1).plain())) {
            StageHarness.Result r = h.send(GET);
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.headers().get("x-frame-options")).isEqualTo("DENY");
            assertThat(r.headers().get("x-path")).isEqualTo("/shop/cart");
            assertThat(r.headers().contains("server")).isFalse();
        }
        try (StageHarness h = harness(own(site, 0).plain())) {
            StageHarness.Result r = h.send("GET /api/x HTTP/1.1\r\nHost: a.test\r\n\r\n");
            assertThat(r.headers().get("x-frame-options")).as("the site's rules for other headers stay")
                    .isEqualTo("DENY");
            assertThat(r.headers().contains("x-api")).as("only: upstream, and this is Gatehouse's own answer")
                    .isFalse();
        }
    }

    @Test
    void onlyUpstreamRulesApplyToRelayedResponses() throws ConfigException {
        Site site = site("""
                a.test:
                  http: allow
                  response_headers: { only: upstream, remove: [X-Powered-By], set: { X-Via: "{upstream_target}" } }
                  respond: 200
                """);
        Handler upstreamLike = exchange -> {
            exchange.upstream("app", "127.0.0.1:9000");
            exchange.markUpstreamResponse();
            var response = Exchange.textResponse(HttpResponseStatus.OK, "from upstream");
            response.headers().set("x-powered-by", "php");
            exchange.respond(response);
            return RequestFlow.DISCARD_BODY;
        };

        try (StageHarness h = harness(compiler.route(site, site.routes().get(0), upstreamLike).plain())) {
            StageHarness.Result r = h.send(GET);
            assertThat(r.headers().contains("x-powered-by")).isFalse();
            assertThat(r.headers().get("x-via")).isEqualTo("127.0.0.1:9000");
        }
    }

    @Test
    void aRouteAddsToItsSitesRulesAndWinsOnTheSameName() throws ConfigException {
        Site site = site("""
                a.test:
                  http: allow
                  request_headers:
                    set: { X-A: site, X-B: site }
                    remove: [X-Drop]
                  routes:
                    - path: /shop/*
                      request_headers: { add: { X-B: route }, set: { X-C: route }, remove: [X-Tenant] }
                      respond: 200
                """);
        Seen seen = new Seen();

        try (StageHarness h = harness(compiler.route(site, site.routes().get(0), seen).plain())) {
            h.send(GET);
        }

        HttpHeaders sent = seen.headers.get();
        assertThat(sent.get("x-a")).as("the site's rule for a header the route leaves alone").isEqualTo("site");
        assertThat(sent.getAll("x-b")).as("the route's rule replaces the site's for X-B").containsExactly("route");
        assertThat(sent.get("x-c")).isEqualTo("route");
        assertThat(sent.contains("x-drop")).isFalse();
        assertThat(sent.contains("x-tenant")).isFalse();
    }

    @Test
    void rulesAboutTheProxysOwnHeadersWaitForTheProxy() throws ConfigException {
        Site site = site("""
                a.test:
                  http: allow
                  request_headers:
                    set: { X-Real-IP: "{header.x-tenant}", X-Target: "{upstream_target}", Host: origin.example }
                    remove: [X-Forwarded-Host, X-Tenant]
                  respond: 200
                """);
        AtomicReference<Exchange> exchange = new AtomicReference<>();
        Seen seen = new Seen(exchange);

        try (StageHarness h = harness(compiler.route(site, site.routes().get(0), seen).plain())) {
            h.send(GET);
        }

        HttpHeaders request = seen.headers.get();
        assertThat(request.get("host")).as("set at once: the proxy keeps a Host it finds").isEqualTo("origin.example");
        assertThat(request.contains("x-real-ip")).as("not yet: the proxy writes it").isFalse();
        HttpHeaders upstream = new DefaultHttpHeaders();
        upstream.set("x-real-ip", "127.0.0.1").set("x-forwarded-host", "a.test");
        exchange.get().upstreamHeadPrepared(upstream);
        exchange.get().upstream("app", "10.0.0.1:80");
        exchange.get().upstreamTargetPicked(upstream);
        exchange.get().upstream("app", "10.0.0.2:80");
        exchange.get().upstreamTargetPicked(upstream);

        assertThat(upstream.get("x-real-ip")).as("from the header as the client sent it, though a rule removes it")
                .isEqualTo("blue");
        assertThat(upstream.contains("x-forwarded-host")).isFalse();
        assertThat(upstream.getAll("x-target")).as("the target of the last try only").containsExactly("10.0.0.2:80");
    }

    @Test
    void routesWithoutRulesGetNoStage() throws ConfigException {
        Site site = site("""
                a.test:
                  http: allow
                  routes:
                    - { path: /a, request_headers: { set: { X-A: "1" } }, respond: 200 }
                    - { respond: 200 }
                """);
        Handler action = StageHarness.respond(200, "");

        assertThat(compiler.route(site, site.routes().get(1), action).secure()).isSameAs(action);
        assertThat(StageCompiler.stagesOf(compiler.route(site, site.routes().get(0), action).secure()))
                .singleElement().isInstanceOf(RequestHeadersStage.class);
    }

    /** An action that keeps the request headers it was given, answering 200. */
    private static final class Seen implements Handler {
        final AtomicReference<HttpHeaders> headers = new AtomicReference<>();
        private final AtomicReference<Exchange> exchange;

        Seen() {
            this(new AtomicReference<>());
        }

        Seen(AtomicReference<Exchange> exchange) {
            this.exchange = exchange;
        }

        @Override
        public RequestFlow begin(Exchange ex) {
            headers.set(ex.request().headers().copy());
            exchange.set(ex);
            return StageHarness.respond(200, "ok").begin(ex);
        }
    }

    /** The route's chains ending in its own respond action. */
    private Chains own(Site site, int route) {
        return compiler.route(site, site.routes().get(route),
                new RespondHandler((Action.Respond) site.routes().get(route).action()));
    }

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
