package dev.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.config.ReloadResult;
import dev.gatehouse.testing.GatehouseProcess;
import dev.gatehouse.testing.JarProcess;
import dev.gatehouse.testing.RawConnection;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.TlsProbe;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloading the config of a running server: by API, file change and SIGHUP; invalid files and changes that need a
 * restart refused; moved listeners; the access log; certificates for sites that come and go.
 */
@Timeout(90)
class ReloadIT {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private static HttpResponse<String> get(URI uri, String host) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(uri).header("Host", host).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
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

            gh.rewrite("""
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
            gh.rewrite("""
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
            assertThat(gh.server().reloadStats().last())
                    .hasValueSatisfying(o -> assertThat(o.result()).isEqualTo(result));
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
            gh.rewrite("access_log: { file: " + log + " }\n" + site);
            assertThat(gh.server().reload().changes()).containsExactly("access_log changed");

            get(gh.uri("/after-reload"), "app.test");
            assertThat(TlsProbe.poll(Duration.ofSeconds(10),
                    () -> Files.exists(log) ? Files.readString(log) : "", text -> text.contains("/after-reload")))
                    .contains("\"GET /after-reload HTTP/1.1\" 200");

            gh.rewrite(site);
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
            gh.rewrite("""
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
            gh.rewrite("""
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
            // The new routing serves before the reload's log line is written: wait for the line.
            String log = TlsProbe.poll(Duration.ofSeconds(5), gh::stderr, e -> e.contains("config reloaded (SIGHUP)"));
            assertThat(log).contains("config reloaded (SIGHUP)").contains("site \"app.test\" changed");
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
            gh.rewrite("{ http: " + newPort + ", https: off, address: 127.0.0.1 }", """
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
    void thePlainListenerCanBeTurnedOffAndOnBesideHttps() throws Exception {
        String site = """
                sites:
                  localhost: { respond: { status: 200, body: "secure" } }
                """;
        try (TestGatehouse gh = TestGatehouse.startListening("{ http: 0, https: 0, address: 127.0.0.1 }", site, dir)) {
            TlsProbe.Trust trust = TlsProbe.trusting(dir.resolve("data/local-ca/root.pem"));
            int httpPort = gh.port();

            int httpsPort = gh.httpsPort();
            gh.rewrite("{ http: off, https: " + httpsPort + ", address: 127.0.0.1 }", site);
            assertThat(gh.server().reload().changes()).containsExactly("listen.http: 0 -> off",
                    "listen.https: 0 -> " + httpsPort);
            assertThat(gh.port()).isEqualTo(-1);
            assertThat(gh.httpsPort()).as("the port it had is the port the file names now: kept").isEqualTo(httpsPort);
            assertThat(refused(httpPort)).as("plain listener closed").isTrue();
            assertThat(TlsProbe.get(gh.httpsPort(), "localhost", trust, "localhost", "/").body()).isEqualTo("secure");

            int newHttp = JarProcess.freePort();
            gh.rewrite("{ http: " + newHttp + ", https: " + gh.httpsPort() + ", address: 127.0.0.1 }", site);
            assertThat(gh.server().reload().applied()).isTrue();
            HttpResponse<String> redirect = get(URI.create("http://127.0.0.1:" + newHttp + "/x"), "localhost");
            assertThat(redirect.statusCode()).as("plain HTTP redirects to HTTPS").isBetween(301, 308);
            assertThat(redirect.headers().firstValue("location"))
                    .hasValue("https://localhost:" + gh.httpsPort() + "/x");
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
            gh.rewrite("{ http: " + taken.getLocalPort() + ", https: off, address: 127.0.0.1 }", """
                    sites:
                      app.test: { respond: { status: 200, body: "new" } }
                    """);
            ReloadResult result = gh.server().reload();

            assertThat(result.applied()).isFalse();
            assertThat(result.errors()).hasSize(1);
            assertThat(result.errors().get(0)).isEqualTo("listen.http 127.0.0.1:" + taken.getLocalPort()
                    + ": address already in use (the running listener keeps serving)");
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
    void aSiteAddedByAReloadIsServedOverHttpsWithALocalCaCertificate() throws Exception {
        try (TestGatehouse gh = TestGatehouse.startListening("{ http: 0, https: 0, address: 127.0.0.1 }", """
                sites:
                  localhost: { respond: { status: 200, body: "first" } }
                """, dir)) {
            TlsProbe.Trust trust = TlsProbe.trusting(dir.resolve("data/local-ca/root.pem"));
            int httpsPort = gh.httpsPort();

            gh.rewrite("""
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
            gh.rewrite("""
                    sites:
                      localhost: { respond: { status: 200, body: "first" } }
                    """);
            assertThat(gh.server().reload().changes()).containsExactly("site \"app.localhost\" removed");
            assertThat(dir.resolve("data/certificates/app.localhost")).isDirectory();
            assertThat(TlsProbe.get(httpsPort, "localhost", trust, "localhost", "/").body()).isEqualTo("first");
        }
    }
}
