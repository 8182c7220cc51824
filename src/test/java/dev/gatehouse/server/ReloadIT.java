package dev.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.config.ReloadResult;
import dev.gatehouse.config.Target;
import dev.gatehouse.testing.GatehouseProcess;
import dev.gatehouse.testing.JarProcess;
import dev.gatehouse.testing.RawConnection;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.TlsProbe;
import dev.gatehouse.upstream.Health;
import dev.gatehouse.upstream.TargetState;
import dev.gatehouse.upstream.UpstreamPool;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Reloading the config of a running server: by API, file change and SIGHUP; invalid files; moved listeners. */
@Timeout(90)
class ReloadIT {
    private static final String LISTEN = "listen: { http: 0, https: off, address: 127.0.0.1 }\n";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private static HttpResponse<String> get(URI uri, String host) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(uri).header("Host", host).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void rewrite(TestGatehouse gh, String listen, String yaml) throws IOException {
        // Written beside and renamed over the old file, as editors and config management tools do.
        Path file = gh.dir().resolve("gatehouse.yaml");
        Path tmp = gh.dir().resolve("gatehouse.yaml.tmp");
        Files.writeString(tmp, listen + yaml);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void aReloadChangesResponsesRoutesAndUpstreams() throws Exception {
        try (TestBackend a = TestBackend.echo("a"); TestBackend b = TestBackend.echo("b");
             TestGatehouse gh = TestGatehouse.start("""
                     sites:
                       app.test:
                         routes:
                           - { path: /hello, respond: { status: 200, body: "v1" } }
                           - upstream: app
                     upstreams:
                       app: { targets: [%s] }
                     """.formatted(a.address()), dir)) {
            assertThat(get(gh.uri("/hello"), "app.test").body()).isEqualTo("v1");
            assertThat(get(gh.uri("/x"), "app.test").body()).contains("backend: " + a.port());
            RawConnection kept = RawConnection.connect(gh.port());
            kept.send("GET /hello HTTP/1.1\r\nHost: app.test\r\n\r\n");
            assertThat(kept.read().bodyText()).isEqualTo("v1");

            rewrite(gh, LISTEN, """
                    sites:
                      app.test:
                        routes:
                          - { path: /hello, respond: { status: 200, body: "v2" } }
                          - { path: /api/*, upstream: api }
                          - upstream: app
                      new.test: { respond: { status: 200, body: "new site" } }
                    upstreams:
                      app: { targets: [%s] }
                      api: { targets: [%s] }
                    """.formatted(b.address(), a.address()));
            ReloadResult result = gh.server().reload();

            assertThat(result.applied()).as("errors: %s", result.errors()).isTrue();
            assertThat(result.changes()).contains("site \"app.test\" changed", "site \"new.test\" added",
                    "upstream \"app\": target " + b.address() + " added",
                    "upstream \"app\": target " + a.address() + " removed (draining)", "upstream \"api\" added");
            assertThat(get(gh.uri("/hello"), "app.test").body()).isEqualTo("v2");
            assertThat(get(gh.uri("/x"), "app.test").body()).contains("backend: " + b.port());
            assertThat(get(gh.uri("/api/1"), "app.test").body()).contains("backend: " + a.port());
            assertThat(get(gh.uri("/"), "new.test").body()).isEqualTo("new site");
            // A connection accepted before the reload stays open and takes the new routing on its next request.
            kept.send("GET /hello HTTP/1.1\r\nHost: app.test\r\n\r\n");
            assertThat(kept.read().bodyText()).isEqualTo("v2");
            kept.close();
            assertThat(gh.server().reloadStats().reloads()).isEqualTo(1);
            assertThat(gh.server().reloadStats().failed()).isZero();
        }
    }

    @Test
    void anInvalidConfigIsRefusedWithPositionsAndTheOldOneKeepsServing() throws Exception {
        try (TestGatehouse gh = TestGatehouse.start("""
                sites:
                  app.test: { respond: { status: 200, body: "old" } }
                """, dir)) {
            rewrite(gh, LISTEN, """
                    sites:
                      app.test: { respond: { status: 200, body: "new" } }
                      other.test: { upstrem: nowhere }
                    """);
            ReloadResult result = gh.server().reload();

            assertThat(result.applied()).isFalse();
            assertThat(result.changes()).isEmpty();
            assertThat(result.errors()).hasSize(1);
            assertThat(result.errors().get(0)).startsWith(gh.dir().resolve("gatehouse.yaml") + ":4:")
                    .contains("upstrem");
            assertThat(get(gh.uri("/"), "app.test").body()).isEqualTo("old");
            assertThat(gh.server().reloadStats().failed()).isEqualTo(1);
            assertThat(gh.server().reloadStats().last()).hasValueSatisfying(o -> assertThat(o.result()).isEqualTo(result));
        }
    }

    @Test
    void theAccessLogMovesToTheFileAReloadNamesAndBack() throws Exception {
        String site = """
                sites:
                  app.test: { respond: { status: 200, body: "logged" } }
                """;
        try (TestGatehouse gh = TestGatehouse.start(site, dir)) {
            Path log = dir.resolve("access.log");
            rewrite(gh, LISTEN, "access_log: { file: " + log + " }\n" + site);
            assertThat(gh.server().reload().changes()).containsExactly("access_log changed");

            get(gh.uri("/after-reload"), "app.test");
            assertThat(TlsProbe.poll(Duration.ofSeconds(10),
                    () -> Files.exists(log) ? Files.readString(log) : "", text -> text.contains("/after-reload")))
                    .contains("\"GET /after-reload HTTP/1.1\" 200");

            rewrite(gh, LISTEN, site);
            assertThat(gh.server().reload().changes()).containsExactly("access_log changed");
            get(gh.uri("/back-on-stdout"), "app.test");
            Thread.sleep(300);
            assertThat(Files.readString(log)).doesNotContain("/back-on-stdout");
        }
    }

    @Test
    void aChangeThatCannotBeAppliedLiveIsRefused() throws Exception {
        try (TestGatehouse gh = TestGatehouse.start("""
                sites:
                  app.test: { respond: { status: 200, body: "old" } }
                """, dir)) {
            rewrite(gh, LISTEN, """
                    storage: ./elsewhere
                    sites:
                      app.test: { respond: { status: 200, body: "new" } }
                    """);
            ReloadResult result = gh.server().reload();

            assertThat(result.applied()).isFalse();
            assertThat(result.errors()).hasSize(1);
            assertThat(result.errors().get(0)).startsWith("storage: changed from").contains("restart");
            assertThat(get(gh.uri("/"), "app.test").body()).isEqualTo("old");
        }
    }

    @Test
    void aChangedFileIsReloadedWithinSeconds() throws Exception {
        try (TestGatehouse gh = TestGatehouse.start("""
                sites:
                  app.test: { respond: { status: 200, body: "before" } }
                """, dir)) {
            rewrite(gh, LISTEN, """
                    sites:
                      app.test: { respond: { status: 200, body: "after the file changed" } }
                    """);

            String body = TlsProbe.poll(Duration.ofSeconds(10), () -> get(gh.uri("/"), "app.test").body(),
                    b -> b.equals("after the file changed"));
            assertThat(body).isEqualTo("after the file changed");
            assertThat(gh.server().reloadStats().reloads()).isEqualTo(1);
        }
    }

    @Test
    void sighupReloadsTheRealProcess() throws Exception {
        assertThat(Files.isExecutable(Path.of("/bin/kill"))).as("/bin/kill (apt-get install procps)").isTrue();
        try (GatehouseProcess gh = GatehouseProcess.start("""
                sites:
                  app.test: { respond: { status: 200, body: "one" } }
                """)) {
            assertThat(get(gh.uri("/"), "app.test").body()).isEqualTo("one");
            // Rewritten in place with the same size and modification time: only the signal can make it reload.
            Path file = gh.config();
            FileTime modified = Files.getLastModifiedTime(file);
            Files.writeString(file, Files.readString(file).replace("\"one\"", "\"two\""));
            Files.setLastModifiedTime(file, modified);
            Thread.sleep(1500); // longer than the file watch's poll and debounce: it must not have reloaded
            assertThat(get(gh.uri("/"), "app.test").body()).isEqualTo("one");

            Process kill = new ProcessBuilder("/bin/kill", "-HUP", Long.toString(gh.process().pid())).start();
            assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(kill.exitValue()).isZero();

            String body = TlsProbe.poll(Duration.ofSeconds(10), () -> get(gh.uri("/"), "app.test").body(),
                    b -> b.equals("two"));
            assertThat(body).isEqualTo("two");
            assertThat(gh.isAlive()).isTrue();
            assertThat(gh.stderr()).contains("config reloaded (SIGHUP)").contains("site \"app.test\" changed");
        }
    }

    @Test
    void aMovedListenerIsBoundBeforeTheOldOneCloses() throws Exception {
        try (TestGatehouse gh = TestGatehouse.start("""
                sites:
                  app.test: { respond: { status: 200, body: "here" } }
                """, dir)) {
            int oldPort = gh.port();
            RawConnection kept = RawConnection.connect(oldPort);
            int newPort = JarProcess.freePort();
            rewrite(gh, "listen: { http: " + newPort + ", https: off, address: 127.0.0.1 }\n", """
                    sites:
                      app.test: { respond: { status: 200, body: "here" } }
                    """);
            ReloadResult result = gh.server().reload();

            assertThat(result.applied()).as("errors: %s", result.errors()).isTrue();
            assertThat(result.changes()).containsExactly("listen.http: 0 -> " + newPort);
            assertThat(gh.port()).isEqualTo(newPort);
            assertThat(get(URI.create("http://127.0.0.1:" + newPort + "/"), "app.test").body()).isEqualTo("here");
            assertThat(refused(oldPort)).as("old port closed").isTrue();
            // The connection the old listener accepted lives on.
            kept.send("GET / HTTP/1.1\r\nHost: app.test\r\n\r\n");
            assertThat(kept.read().bodyText()).isEqualTo("here");
            kept.close();
        }
    }

    @Test
    void aPortThatWillNotBindFailsTheReloadAndTheOldListenerKeepsServing() throws Exception {
        try (ServerSocket taken = new ServerSocket();
             TestGatehouse gh = TestGatehouse.start("""
                     sites:
                       app.test: { respond: { status: 200, body: "old" } }
                     """, dir)) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            rewrite(gh, "listen: { http: " + taken.getLocalPort() + ", https: off, address: 127.0.0.1 }\n", """
                    sites:
                      app.test: { respond: { status: 200, body: "new" } }
                    """);
            ReloadResult result = gh.server().reload();

            assertThat(result.applied()).isFalse();
            assertThat(result.errors()).hasSize(1);
            assertThat(result.errors().get(0)).startsWith("listen.http: cannot bind 127.0.0.1:" + taken.getLocalPort());
            assertThat(get(gh.uri("/"), "app.test").body()).isEqualTo("old");
        }
    }

    private static boolean refused(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aTargetRegisteredAtRunTimeSurvivesAReload() throws Exception {
        try (TestBackend a = TestBackend.echo("a"); TestBackend b = TestBackend.echo("b");
             TestBackend c = TestBackend.echo("c");
             TestGatehouse gh = TestGatehouse.start("""
                     sites:
                       app.test: { upstream: app }
                     upstreams:
                       app: { targets: [%s] }
                     """.formatted(a.address()), dir)) {
            UpstreamPool pool = gh.server().upstreams().pool("app").orElseThrow();
            pool.add(new Target("127.0.0.1", b.port(), 100));

            rewrite(gh, LISTEN, """
                    sites:
                      app.test: { upstream: app }
                    upstreams:
                      app: { targets: [%s, %s], policy: least_requests }
                    """.formatted(a.address(), c.address()));
            ReloadResult result = gh.server().reload();

            assertThat(result.applied()).as("errors: %s", result.errors()).isTrue();
            assertThat(gh.server().upstreams().pool("app")).containsSame(pool);
            assertThat(pool.targets()).extracting(TargetState::address)
                    .containsExactly(a.address(), b.address(), c.address());
            assertThat(pool.targets()).extracting(TargetState::origin)
                    .containsExactly(TargetState.Origin.FILE, TargetState.Origin.API, TargetState.Origin.FILE);
            for (int i = 0; i < 30; i++) {
                assertThat(get(gh.uri("/"), "app.test").statusCode()).isEqualTo(200);
            }
            assertThat(b.requestCount()).as("requests to the target registered at run time").isPositive();
            assertThat(c.requestCount()).as("requests to the target the reload added").isPositive();
        }
    }

    @Test
    void aTargetRemovedFromTheFileFinishesItsSlowRequestAndTakesNoNewOnes() throws Exception {
        try (TestBackend fast = TestBackend.echo("fast");
             TestBackend slow = TestBackend.start("slow", ex -> {
                 try {
                     Thread.sleep(1500);
                 } catch (InterruptedException e) {
                     Thread.currentThread().interrupt();
                 }
                 byte[] bytes = "slow".getBytes(StandardCharsets.UTF_8);
                 ex.sendResponseHeaders(200, bytes.length);
                 ex.getResponseBody().write(bytes);
                 ex.close();
             });
             TestGatehouse gh = TestGatehouse.start("""
                     sites:
                       app.test: { upstream: app }
                     upstreams:
                       app: { targets: [%s] }
                     """.formatted(slow.address()), dir)) {
            CompletableFuture<HttpResponse<String>> inFlight = CLIENT.sendAsync(HttpRequest.newBuilder(gh.uri("/slow"))
                    .header("Host", "app.test").timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (slow.requestCount() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(slow.requestCount()).as("the slow request reached the slow target").isEqualTo(1);

            rewrite(gh, LISTEN, """
                    sites:
                      app.test: { upstream: app }
                    upstreams:
                      app: { targets: [%s] }
                    """.formatted(fast.address()));
            ReloadResult result = gh.server().reload();

            assertThat(result.applied()).as("errors: %s", result.errors()).isTrue();
            UpstreamPool pool = gh.server().upstreams().pool("app").orElseThrow();
            assertThat(pool.drainingTargets()).extracting(TargetState::address).containsExactly(slow.address());
            for (int i = 0; i < 10; i++) {
                assertThat(get(gh.uri("/"), "app.test").body()).contains("backend: " + fast.port());
            }
            HttpResponse<String> finished = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(finished.statusCode()).isEqualTo(200);
            assertThat(finished.body()).isEqualTo("slow");
            assertThat(slow.requestCount()).as("no new request after the reload").isEqualTo(1);
        }
    }

    @Test
    void aRequestToATargetRemovedFromTheFileIsCutWhenTheDeregistrationDelayIsOverAndRetried() throws Exception {
        String yaml = """
                sites:
                  app.test: { upstream: app }
                upstreams:
                  app:
                    targets: [%s]
                    deregistration_delay: 1s
                """;
        try (TestBackend fast = TestBackend.echo("fast");
             TestBackend hanging = TestBackend.start("hanging", ex -> {
                 try {
                     Thread.sleep(20_000); // far longer than the delay: only Gatehouse can end this request
                 } catch (InterruptedException e) {
                     Thread.currentThread().interrupt();
                 }
                 ex.close();
             });
             TestGatehouse gh = TestGatehouse.start(yaml.formatted(hanging.address()), dir)) {
            CompletableFuture<HttpResponse<String>> inFlight = CLIENT.sendAsync(HttpRequest.newBuilder(gh.uri("/hang"))
                    .header("Host", "app.test").timeout(Duration.ofSeconds(15)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (hanging.requestCount() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(hanging.requestCount()).isEqualTo(1);

            rewrite(gh, LISTEN, yaml.formatted(fast.address()));
            long removedAt = System.nanoTime();
            assertThat(gh.server().reload().applied()).isTrue();

            HttpResponse<String> cut = inFlight.get(15, TimeUnit.SECONDS);
            Duration after = Duration.ofNanos(System.nanoTime() - removedAt);
            // Cut before any answer, the GET is retried on the pool's remaining target.
            assertThat(cut.statusCode()).isEqualTo(200);
            assertThat(cut.body()).contains("backend: " + fast.port());
            assertThat(after).as("cut when the deregistration delay was over")
                    .isBetween(Duration.ofMillis(900), Duration.ofSeconds(4));
            assertThat(hanging.requestCount()).as("no new request to the removed target").isEqualTo(1);
        }
    }

    @Test
    void changedHealthSettingsRestartTheChecksAndTheTargetKeepsItsState() throws Exception {
        String yaml = """
                sites:
                  app.test: { upstream: app }
                upstreams:
                  app:
                    targets: [%s]
                    health: { path: %s, interval: 300ms, timeout: 300ms, unhealthy: 1, healthy: 1 }
                """;
        try (TestBackend app = TestBackend.start("app", ex -> {
            int status = ex.getRequestURI().getPath().equals("/ok") ? 200 : 404;
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
             TestGatehouse gh = TestGatehouse.start(yaml.formatted(app.address(), "/missing"), dir)) {
            TargetState target = gh.server().upstreams().pool("app").orElseThrow().targets().get(0);
            assertThat(TlsProbe.poll(Duration.ofSeconds(10), target::health, h -> h == Health.UNHEALTHY))
                    .isEqualTo(Health.UNHEALTHY);

            rewrite(gh, LISTEN, yaml.formatted(app.address(), "/ok"));
            ReloadResult result = gh.server().reload();

            assertThat(result.applied()).as("errors: %s", result.errors()).isTrue();
            assertThat(result.changes()).containsExactly("upstream \"app\": health changed");
            assertThat(TlsProbe.poll(Duration.ofSeconds(10), target::health, h -> h == Health.HEALTHY))
                    .as("checked with the new path").isEqualTo(Health.HEALTHY);
            assertThat(gh.server().upstreams().pool("app").orElseThrow().targets()).containsExactly(target);
        }
    }

    @Test
    void aSiteAddedByAReloadIsServedOverHttpsWithALocalCaCertificate() throws Exception {
        String listen = "listen: { http: 0, https: 0, address: 127.0.0.1 }\n";
        try (TestGatehouse gh = TestGatehouse.startListening("{ http: 0, https: 0, address: 127.0.0.1 }", """
                sites:
                  localhost: { respond: { status: 200, body: "first" } }
                """, dir)) {
            TlsProbe.Trust trust = TlsProbe.trusting(dir.resolve("data/local-ca/root.pem"));
            int httpsPort = gh.httpsPort();

            rewrite(gh, listen, """
                    sites:
                      localhost: { respond: { status: 200, body: "first" } }
                      app.localhost: { respond: { status: 200, body: "added by reload" } }
                    """);
            ReloadResult result = gh.server().reload();

            assertThat(result.applied()).as("errors: %s", result.errors()).isTrue();
            assertThat(gh.httpsPort()).as("the HTTPS listener was not moved").isEqualTo(httpsPort);
            TlsProbe.Response response = TlsProbe.get(httpsPort, "app.localhost", trust, "app.localhost", "/");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("added by reload");
            assertThat(TlsProbe.leaf(httpsPort, "app.localhost", trust).getSubjectAlternativeNames())
                    .containsExactly(java.util.List.of(2, "app.localhost"));

            // Removed again: no longer served or renewed, but what storage holds stays.
            rewrite(gh, listen, """
                    sites:
                      localhost: { respond: { status: 200, body: "first" } }
                    """);
            assertThat(gh.server().reload().changes()).containsExactly("site \"app.localhost\" removed");
            assertThat(dir.resolve("data/certificates/app.localhost")).isDirectory();
            assertThat(TlsProbe.get(httpsPort, "localhost", trust, "localhost", "/").body()).isEqualTo("first");
        }
    }
}
