package dev.gatehouse.admin;

import dev.gatehouse.storage.Pem;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard rendered by a real browser (headless Chromium): the values it shows for sites, certificates and
 * targets are the ones the JSON API gives, with the token handed over in the URL fragment. Leaves a screenshot at
 * {@code target/dashboard.png}.
 */
class DashboardIT {
    private static final String TOKEN = "dashboard-token-0123456789abcdef";
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    private TestBackend backend;
    private TestGatehouse gh;

    @BeforeEach
    void start() throws Exception {
        if (!Files.isExecutable(Path.of(CHROMIUM))) {
            throw new AssertionError("this test renders the dashboard in a browser: install chromium: "
                    + "apt-get install chromium");
        }
        backend = TestBackend.echo("app");
        // A certificate five days from expiry out of 90: the dashboard must flag it.
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        writeCertificate("near.test", now.minus(85, ChronoUnit.DAYS), now.plus(5, ChronoUnit.DAYS).plusSeconds(600));
        gh = TestGatehouse.startListening("{ http: 0, https: 0, address: 127.0.0.1 }", """
                admin: { listen: "127.0.0.1:0", token: %s }
                sites:
                  app.localhost: { upstream: app, http: allow }
                  near.test: { tls: { cert: near.pem, key: near.key }, respond: 204 }
                upstreams:
                  app:
                    targets: [ %s, 127.0.0.1:9 ]
                    health: { path: /, interval: 2s, timeout: 2s, healthy: 1, unhealthy: 2 }
                """.formatted(TOKEN, backend.address()), dir);
    }

    @AfterEach
    void stop() {
        gh.close();
        backend.close();
    }

    @Test
    void showsWhatTheApiSaysAndUpdatesItself() throws Exception {
        awaitHealth();
        for (int i = 0; i < 5; i++) {
            CLIENT.send(HttpRequest.newBuilder(gh.uri("/" + i)).header("Host", "app.localhost").build(),
                    HttpResponse.BodyHandlers.discarding());
        }
        String page = "http://127.0.0.1:" + gh.server().adminPort() + "/#token=" + TOKEN;

        String dom = chromium(List.of("--dump-dom", page));

        assertThat(dom).contains("<span id=\"live\" class=\"\">live · updated");
        for (Map<String, Object> site : AdminClient.objects(api("/sites").get("sites"))) {
            String row = row(dom, "data-site", (String) site.get("host"));
            @SuppressWarnings("unchecked")
            Map<String, Object> cert = (Map<String, Object>) site.get("certificate");
            assertThat(row).contains("data-days=\"" + cert.get("days_left") + "\"", (String) cert.get("issuer"));
            String colour = Boolean.TRUE.equals(cert.get("near_expiry")) ? "days num near" : "days num ok";
            assertThat(row).as(site.get("host") + " coloured by its expiry").contains("class=\"" + colour + "\"");
        }
        assertThat(row(dom, "data-site", "near.test")).contains("class=\"days num near\"", "data-days=\"5\"");
        for (Map<String, Object> target : AdminClient.objects(api("/upstreams/app").get("targets"))) {
            String row = row(dom, "data-target", "app/" + target.get("address"));
            assertThat(row).contains("<span class=\"badge " + target.get("health") + "\">" + target.get("health"));
        }
        assertThat(row(dom, "data-target", "app/" + backend.address())).contains("badge healthy")
                .containsPattern("class=\"num requests\">[5-9]<");
        assertThat(row(dom, "data-target", "app/127.0.0.1:9")).contains("badge unhealthy", "connect refused");
        assertThat(dom).contains("target=127.0.0.1:9", "unhealthy"); // the health change, in recent errors

        Path png = Path.of("target", "dashboard.png").toAbsolutePath();
        Files.deleteIfExists(png);
        chromium(List.of("--screenshot=" + png, "--window-size=1280,900", page));
        assertThat(png).exists();
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes.length).as("a rendered page, not a blank one").isGreaterThan(20_000);
        assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    @Test
    void withoutTheTokenThePageAsksForIt() throws Exception {
        String dom = chromium(List.of("--dump-dom", "http://127.0.0.1:" + gh.server().adminPort() + "/"));

        assertThat(dom).contains("<section id=\"login\" style=\"display: block;\">", "this admin API needs a token",
                "token needed").doesNotContain("data-site=");
    }

    /** Waits until checks found the live target healthy and the closed port unhealthy. */
    private void awaitHealth() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            List<Object> health = AdminClient.objects(api("/upstreams/app").get("targets")).stream()
                    .map(t -> t.get("health")).map(Object.class::cast).toList();
            if (health.equals(List.of("healthy", "unhealthy"))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("health checks did not settle: " + api("/upstreams/app"));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> api(String path) throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + gh.server().adminPort() + path)).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return (Map<String, Object>) AdminJson.parse(r.body());
    }

    /** The {@code <tr>} whose attribute {@code name} is {@code value}. */
    private static String row(String dom, String name, String value) {
        Matcher m = Pattern.compile("<tr " + name + "=\"" + Pattern.quote(value) + "\">.*?</tr>", Pattern.DOTALL)
                .matcher(dom);
        assertThat(m.find()).as("a row " + name + "=" + value + " in:\n" + dom).isTrue();
        return m.group();
    }

    /** Runs headless Chromium (its own profile, bounded time) and returns what it printed to stdout. */
    private String chromium(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox",
                "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + dir.resolve("chromium-profile"),
                "--virtual-time-budget=5000"));
        command.addAll(args);
        Path out = dir.resolve("chromium.out");
        Path err = dir.resolve("chromium.err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                throw new AssertionError("chromium still running after 90s; stderr:\n" + Files.readString(err));
            }
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as("chromium exit; stderr:\n" + Files.readString(err)).isZero();
        return Files.readString(out);
    }

    /** A self-signed certificate and key for {@code name} as {@code near.pem} and {@code near.key}. */
    private void writeCertificate(String name, Instant notBefore, Instant notAfter) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair key = g.generateKeyPair();
        X500Name subject = new X500Name("CN=" + name);
        var builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(System.nanoTime()),
                Date.from(notBefore), Date.from(notAfter), subject, key.getPublic())
                .addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
        Files.writeString(dir.resolve("near.pem"), Pem.writeCertificates(List.of(cert)));
        Files.writeString(dir.resolve("near.key"), Pem.writePrivateKey(key.getPrivate()));
    }
}
