package dev.gatehouse.admin;

import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operations endpoints over real sockets against a server with HTTPS (local CA certificates), a real backend
 * and its config file on disk: status, sites, config, reload, certificates, renewal, errors and the dashboard page.
 */
class AdminEndpointsIT {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String YAML = """
            admin: { listen: "127.0.0.1:0" }
            acme: { eab: { key_id: kid-1, hmac_key: c2VjcmV0LW1hYy1rZXk } }
            sites:
              app.localhost:
                http: allow
                hsts: 30d
                routes:
                  - { path: /api/*, methods: [GET], upstream: app }
                  - respond: { status: 204 }
              files.localhost: { files: ./public }
            upstreams:
              app: { targets: [ %s ] }
            """;

    @TempDir
    Path dir;

    private TestBackend backend;
    private TestGatehouse gh;

    @BeforeEach
    void start() throws Exception {
        backend = TestBackend.echo("app");
        Files.createDirectories(dir.resolve("public"));
        gh = TestGatehouse.startListening("{ http: 0, https: 0, address: 127.0.0.1 }",
                YAML.formatted(backend.address()), dir);
    }

    @AfterEach
    void stop() {
        gh.close();
        backend.close();
    }

    private HttpResponse<String> admin(String method, String path) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gh.server().adminPort() + path))
                .timeout(Duration.ofSeconds(20)).method(method, HttpRequest.BodyPublishers.noBody()).build();
        return CLIENT.send(r, HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> json(String method, String path, int expectedStatus) throws Exception {
        HttpResponse<String> r = admin(method, path);
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(expectedStatus);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).contains("json"));
        return (Map<String, Object>) AdminJson.parse(r.body());
    }

    private List<Map<String, Object>> certificates() throws Exception {
        return AdminClient.objects(json("GET", "/certificates", 200).get("certificates"));
    }

    private Map<String, Object> certificate(String name) throws Exception {
        return certificates().stream().filter(c -> c.get("name").equals(name)).findFirst().orElseThrow();
    }

    @Test
    void statusSummarisesListenersPoolsCertificatesAndErrors() throws Exception {
        assertThat(CLIENT.send(HttpRequest.newBuilder(gh.uri("/api/x")).header("Host", "app.localhost").build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        LoggerFactory.getLogger("dev.gatehouse.test.Probe").error("probe error for the status summary");

        Map<String, Object> s = json("GET", "/status", 200);

        assertThat(s).containsKeys("version", "started", "uptime_seconds").containsEntry("sites", new BigDecimal(2))
                .containsEntry("config", dir.resolve("gatehouse.yaml").toAbsolutePath().toString());
        assertThat(s.get("listeners")).isEqualTo(Map.of("addresses", List.of("127.0.0.1"),
                "http", new BigDecimal(gh.port()), "https", new BigDecimal(gh.httpsPort()),
                "admin", new BigDecimal(gh.server().adminPort())));
        Map<String, Object> pool = AdminClient.objects(s.get("pools")).get(0);
        assertThat(pool).containsEntry("name", "app").containsEntry("targets", BigDecimal.ONE)
                .containsEntry("unknown", BigDecimal.ONE).containsEntry("healthy", BigDecimal.ZERO)
                .containsEntry("requests", BigDecimal.ONE);
        assertThat(s.get("certificates")).isEqualTo(Map.of("total", new BigDecimal(2), "attention", List.of()));
        assertThat(AdminClient.objects(s.get("errors"))).first().satisfies(e -> assertThat(e)
                .containsEntry("level", "ERROR").containsEntry("logger", "Probe")
                .containsEntry("message", "probe error for the status summary"));
    }

    @Test
    void errorsKeepTheLatestWarningsAndErrorsNewestFirst() throws Exception {
        var log = LoggerFactory.getLogger("dev.gatehouse.test.Probe");
        log.info("not kept");
        log.warn("first");
        log.error("second", new IllegalStateException("why"));

        List<Map<String, Object>> errors = AdminClient.objects(json("GET", "/errors", 200).get("errors"));

        assertThat(errors).extracting(e -> e.get("message"))
                .startsWith("second: java.lang.IllegalStateException: why", "first").doesNotContain("not kept");
        for (int i = 0; i < RecentErrors.CAPACITY + 20; i++) {
            log.warn("flood {}", i);
        }
        assertThat(AdminClient.objects(json("GET", "/errors", 200).get("errors"))).hasSize(RecentErrors.CAPACITY)
                .first().satisfies(e -> assertThat(e).containsEntry("message", "flood " + (RecentErrors.CAPACITY + 19)));
    }

    @Test
    void sitesShowRoutesPoliciesAndCertificates() throws Exception {
        List<Map<String, Object>> sites = AdminClient.objects(json("GET", "/sites", 200).get("sites"));

        assertThat(sites).extracting(m -> m.get("host")).containsExactly("app.localhost", "files.localhost");
        Map<String, Object> app = sites.get(0);
        assertThat(app).containsEntry("tls", "auto").containsEntry("http", "allow")
                .containsEntry("hsts", Map.of("max_age", "30d", "include_subdomains", false, "preload", false));
        assertThat(app.get("routes")).isEqualTo(List.of(
                Map.of("match", "path /api/* methods GET", "action", "upstream app", "upstream", "app"),
                Map.of("match", "*", "action", "respond 204")));
        @SuppressWarnings("unchecked")
        Map<String, Object> cert = (Map<String, Object>) app.get("certificate");
        assertThat(cert).containsEntry("source", "internal").containsEntry("expired", false)
                .containsEntry("near_expiry", false);
        assertThat((String) cert.get("issuer")).startsWith("Gatehouse Local CA ");
    }

    @Test
    void configIsTheRunningOneWithSecretsRedacted() throws Exception {
        HttpResponse<String> r = admin("GET", "/config");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("c2VjcmV0LW1hYy1rZXk").contains("\"hmac_key\":\"[redacted]\"",
                "\"key_id\":\"kid-1\"", "\"app.localhost\"", "\"admin\":{\"host\":\"127.0.0.1\",\"port\":0,\"token\":null}");
    }

    @Test
    void reloadAnswersWhatChangedOrEveryErrorWithItsPosition() throws Exception {
        Map<String, Object> ok = json("POST", "/reload", 200);
        assertThat(ok).containsEntry("applied", true).containsKey("changes");

        Path file = dir.resolve("gatehouse.yaml");
        String good = Files.readString(file);
        Files.writeString(file, good.replace("upstream: app }", "upstrem: app }").replace("status: 204", "status: 99"));
        Map<String, Object> refused = json("POST", "/reload", 422);

        assertThat(refused).containsEntry("status", new BigDecimal(422)).containsEntry("title", "Unprocessable Content");
        assertThat((String) refused.get("detail")).contains("2 errors", "the running config keeps serving");
        assertThat(refused.get("errors")).asList().hasSize(2).allSatisfy(e -> assertThat((String) e)
                .startsWith(file + ":"));
        assertThat(admin("GET", "/reload").headers().firstValue("allow")).hasValue("POST");
        Files.writeString(file, good);
        assertThat(json("POST", "/reload", 200)).containsEntry("applied", true);
    }

    @Test
    void certificatesListSourceIssuerValidityAndRenewal() throws Exception {
        Map<String, Object> app = certificate("app.localhost");

        assertThat(app).containsEntry("source", "internal").containsEntry("in_config", true)
                .containsEntry("last_error", null).containsKeys("not_before", "next_renewal");
        Instant notAfter = Instant.parse((String) app.get("not_after"));
        long days = Duration.between(Instant.now(), notAfter).toDays();
        assertThat(((BigDecimal) app.get("days_left")).longValue()).isEqualTo(days);
        assertThat(Instant.parse((String) app.get("next_renewal"))).isBefore(notAfter);
    }

    @Test
    void aForcedRenewalReplacesTheCertificate() throws Exception {
        Map<String, Object> before = certificate("app.localhost");

        Map<String, Object> started = json("POST", "/certificates/APP.localhost/renew", 202);

        assertThat(started).containsEntry("name", "app.localhost").containsEntry("renewal", "started");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Map<String, Object> after = before;
        while (after.get("last_attempt").equals(before.get("last_attempt")) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            after = certificate("app.localhost");
        }
        assertThat(after.get("last_attempt")).as("a new certificate was issued").isNotEqualTo(before.get("last_attempt"));
        assertThat(after.get("last_error")).isNull();
    }

    @Test
    void renewalOfAnUnknownNameIsA404ListingTheSites() throws Exception {
        Map<String, Object> p = json("POST", "/certificates/nope.localhost/renew", 404);

        assertThat((String) p.get("detail")).contains("\"nope.localhost\" is not a site", "app.localhost, files.localhost");
        assertThat(admin("GET", "/certificates/app.localhost/renew").statusCode()).isEqualTo(405);
        assertThat(admin("POST", "/certificates/app.localhost/revoke").statusCode()).isEqualTo(404);
    }

    @Test
    void theDashboardIsOneSelfContainedPage() throws Exception {
        HttpResponse<String> r = admin("GET", "/");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(r.headers().firstValue("content-security-policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("default-src 'none'", "connect-src 'self'", "frame-ancestors 'none'"));
        assertThat(r.body()).startsWith("<!DOCTYPE html>").contains("<title>Gatehouse</title>", "/status", "/sites")
                .doesNotContain("src=\"http", "href=\"http", "@import");
        assertThat(admin("POST", "/").statusCode()).isEqualTo(405);
    }

    @Test
    void unknownEndpointsListTheKnownOnes() throws Exception {
        Map<String, Object> p = json("GET", "/nope", 404);
        assertThat((String) p.get("detail")).contains("/status", "/certificates/{name}/renew", "/upstreams/{pool}");
    }
}
