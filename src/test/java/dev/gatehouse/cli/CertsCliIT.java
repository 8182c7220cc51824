package dev.gatehouse.cli;

import dev.gatehouse.storage.CertificateMeta;
import dev.gatehouse.storage.CertifiedKey;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.testing.JarProcess;
import dev.gatehouse.certificates.CertificateInventory;
import dev.gatehouse.certificates.LocalCa;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code gatehouse certs}, {@code certs renew}, {@code trust}/{@code untrust} and {@code import certbot}, run through
 * {@link Main#execute(PrintWriter, PrintWriter, String...)} against a storage directory in a temp dir. Trust tests
 * always point at a temp anchors directory and a harmless update command: never the system store.
 */
class CertsCliIT {
    private static final String CONFIG = """
            listen: { http: %d, https: %d, address: 127.0.0.1 }
            sites:
              example.com:
                upstream: app
              www.example.com:
                upstream: app
              app.localhost:
                upstream: app
              new.example.com:
                upstream: app
            upstreams:
              app: { targets: [127.0.0.1:8000] }
            """;

    @TempDir
    Path dir;

    private Path config;
    private CertificateStore storage;
    private CertbotTree certbot;

    @BeforeEach
    void setUp() throws Exception {
        config = dir.resolve("gatehouse.yaml");
        Files.writeString(config, CONFIG.formatted(8080, 8443));
        storage = new CertificateStore(new FileStorage(dir.resolve("data")));
        certbot = new CertbotTree(Files.createDirectories(dir.resolve("letsencrypt")));
    }

    // ---- import certbot

    @Test
    void importCertbotStoresCurrentCertificatesAndSkipsExpiredAndBrokenOnes() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        certbot.add("example.com", 1, now.minus(80, ChronoUnit.DAYS), now.plus(10, ChronoUnit.DAYS),
                "example.com", "www.example.com");
        CertifiedKey current = certbot.add("example.com", 2, now.minus(1, ChronoUnit.DAYS),
                now.plus(89, ChronoUnit.DAYS), "example.com", "www.example.com", "extra.example.com");
        certbot.add("old.example.com", 1, now.minus(100, ChronoUnit.DAYS), now.minus(10, ChronoUnit.DAYS),
                "old.example.com");
        certbot.add("broken.example.com", 1, now, now.plus(90, ChronoUnit.DAYS), "broken.example.com");
        Files.delete(certbot.root().resolve("archive/broken.example.com/privkey1.pem"));

        Result r = run("import", "certbot", certbot.root().toString(), "--config", config.toString());

        assertThat(r.exit).as(r.toString()).isZero();
        assertThat(r.out).contains("imported  example.com: example.com, www.example.com, extra.example.com")
                .containsPattern("skipped   old\\.example\\.com: expired on \\S+")
                .containsPattern("skipped   broken\\.example\\.com: unreadable: \\S+privkey\\.pem: no such file")
                .contains("not served until a site names it in " + config + ": extra.example.com")
                .contains("1 imported, 2 skipped");
        CertifiedKey stored = storage.loadCertificate("www.example.com").orElseThrow();
        assertThat(stored.leaf()).as("live/ symlink followed to version 2").isEqualTo(current.leaf());
        assertThat(stored.chain()).hasSize(2);
        CertificateMeta meta = storage.loadMeta("example.com").orElseThrow();
        assertThat(meta.source()).isEqualTo(CertificateMeta.Source.CERTBOT);
        assertThat(meta.issuer()).hasValueSatisfying(i -> assertThat(i).contains(CertbotTree.ISSUER));
        assertThat(meta.notAfter()).contains(now.plus(89, ChronoUnit.DAYS));
        // A third of 90 days left: day 60 after notBefore, minus at most an hour of jitter.
        Instant oneThirdLeft = now.minus(1, ChronoUnit.DAYS).plus(60, ChronoUnit.DAYS);
        assertThat(meta.nextRenewal().orElseThrow()).isBetween(oneThirdLeft.minus(1, ChronoUnit.HOURS), oneThirdLeft);
        assertThat(storage.loadCertificate("old.example.com")).isEmpty();
        assertThat(storage.loadCertificate("broken.example.com")).isEmpty();
    }

    @Test
    void importCertbotKeepsALongerLivedStoredCertificate() throws Exception {
        Instant now = Instant.now();
        certbot.add("example.com", 1, now.minus(1, ChronoUnit.DAYS), now.plus(30, ChronoUnit.DAYS), "example.com");
        storage.open();
        CertifiedKey longer = LocalCa.loadOrCreate(storage, Clock.systemUTC()).issue(List.of("example.com"));
        // The local CA's leaves live 7 days: the imported one (30 days) replaces it.
        storage.saveCertificate("example.com", longer);

        Result first = run("import", "certbot", certbot.root().toString(), "--config", config.toString());
        Result again = run("import", "certbot", certbot.root().toString(), "--config", config.toString());

        assertThat(first.out).contains("1 imported, 0 skipped");
        assertThat(again.out).contains("example.com kept as is: storage already holds a certificate valid until")
                .contains("0 imported, 1 skipped");
    }

    @Test
    void importFromADirectoryThatIsNotCertbotsFails() {
        Result r = run("import", "certbot", dir.resolve("nowhere").toString(), "--config", config.toString());

        assertThat(r.exit).isEqualTo(1);
        assertThat(r.err).contains("not a certbot directory");
    }

    // ---- certs

    @Test
    void certsListsEverySiteAndEveryStoredName() throws Exception {
        Instant now = Instant.now();
        certbot.add("example.com", 1, now.minus(1, ChronoUnit.DAYS), now.plus(89, ChronoUnit.DAYS).plusSeconds(600),
                "example.com", "extra.example.com");
        assertThat(run("import", "certbot", certbot.root().toString(), "--config", config.toString()).exit).isZero();
        LocalCa ca = LocalCa.loadOrCreate(storage, Clock.systemUTC());
        CertifiedKey local = ca.issue(List.of("app.localhost"));
        storage.saveCertificate("app.localhost", local);
        storage.saveMeta("app.localhost", CertificateMeta.issued(CertificateMeta.Source.INTERNAL, local, now)
                .withNextRenewal(now.plus(4, ChronoUnit.DAYS)));
        storage.saveMeta("www.example.com", CertificateMeta.of(CertificateMeta.Source.ACME)
                .withFailure("urn:ietf:params:acme:error:rateLimited: too many certificates\nretry later", now));

        Result r = run("certs", "--config", config.toString());

        assertThat(r.exit).as(r.toString()).isZero();
        List<String> lines = r.out.lines().toList();
        assertThat(lines.get(0)).isEqualTo("storage: " + dir.resolve("data"));
        assertThat(lines.get(1)).matches("NAME +SOURCE +ISSUER +NOT AFTER +NEXT RENEWAL +LAST ERROR");
        String caName = CertificateInventory.commonName(ca.root().leaf().getSubjectX500Principal().getName());
        assertThat(lines.get(2)).startsWith("example.com ").contains(" certbot ", " " + CertbotTree.ISSUER + " ",
                "(89 days)").endsWith(" -");
        assertThat(lines.get(3)).startsWith("www.example.com ").contains(" acme ")
                .endsWith("rateLimited: too many certificates retry later");
        assertThat(lines.get(4)).startsWith("app.localhost ").contains(" internal ", caName, "(6 days)");
        assertThat(lines.get(5)).startsWith("new.example.com ").contains(" none yet ", "when gatehouse runs");
        assertThat(lines.get(6)).startsWith("extra.example.com * ").contains(" certbot ");
        assertThat(lines.get(7)).isEqualTo("* in storage, not a site of " + config);
        // Columns line up: SOURCE starts at the same offset on every row.
        int sourceColumn = lines.get(1).indexOf("SOURCE");
        assertThat(lines.subList(2, 7)).allSatisfy(l -> assertThat(l.charAt(sourceColumn - 1)).isEqualTo(' ')
                .satisfies(c -> assertThat(l.charAt(sourceColumn)).isNotEqualTo(' ')));
    }

    @Test
    void certsWithABadConfigPrintsPositionsAndExits1() throws Exception {
        Files.writeString(config, "sites:\n  example.com:\n    upstrem: app\n");

        Result r = run("certs", "--config", config.toString());

        assertThat(r.exit).isEqualTo(1);
        assertThat(r.out).isEmpty();
        assertThat(r.err).contains(config + ":3:5: ", "upstrem");
    }

    // ---- certs renew

    @Test
    void renewLeavesARequestForTheRunningInstance() throws Exception {
        Result r = run("certs", "renew", "WWW.example.com", "--config", config.toString());

        assertThat(r.exit).as(r.toString()).isZero();
        Path marker = dir.resolve("data").resolve("requests/renew/www.example.com");
        assertThat(marker).hasContent("www.example.com");
        assertThat(r.out).contains("www.example.com: renewal requested", "A running Gatehouse");
    }

    @Test
    void renewOfAnUnknownNameListsTheSites() {
        Result r = run("certs", "renew", "nope.example.com", "--config", config.toString());

        assertThat(r.exit).isEqualTo(1);
        assertThat(r.err).contains("\"nope.example.com\" is not a site of " + config,
                "app.localhost, example.com, new.example.com, www.example.com");
        assertThat(dir.resolve("data").resolve("requests/renew")).doesNotExist();
    }

    @Test
    void renewWaitWithoutARunningInstanceSaysSo() {
        Result r = run("certs", "renew", "example.com", "--wait=1", "--config", config.toString());

        assertThat(r.exit).isEqualTo(1);
        assertThat(r.err).contains("no running Gatehouse picked up the request within 1s");
    }

    /** End to end: a real instance serves the imported certbot certificate, and renews app.localhost on request. */
    @Test
    void aRunningInstanceServesImportedCertificatesAndRenewsOnRequest() throws Exception {
        int http = JarProcess.freePort();
        int https = JarProcess.freePort();
        Files.writeString(config, CONFIG.formatted(http, https));
        Instant now = Instant.now();
        CertifiedKey imported = certbot.add("example.com", 1, now.minus(1, ChronoUnit.DAYS),
                now.plus(89, ChronoUnit.DAYS), "example.com");
        assertThat(run("import", "certbot", certbot.root().toString(), "--config", config.toString()).exit).isZero();

        try (JarProcess p = JarProcess.start(dir, "run", "--config", config.toString())) {
            p.awaitListening(https, Duration.ofSeconds(20));
            assertThat(served(https, "example.com")).isEqualTo(imported.leaf());
            X509Certificate before = served(https, "app.localhost");

            Result r = run("certs", "renew", "app.localhost", "--wait=20", "--config", config.toString());

            assertThat(r.exit).as(r + "\ninstance stderr: " + p.stderr()).isZero();
            assertThat(r.out).containsPattern("app.localhost: renewed by Gatehouse Local CA \\S+, valid until");
            // The instance writes the meta just before it swaps the certificate in: allow it a moment.
            X509Certificate after = served(https, "app.localhost");
            for (int i = 0; i < 50 && after.equals(before); i++) {
                Thread.sleep(100);
                after = served(https, "app.localhost");
            }
            assertThat(after.getSerialNumber()).isNotEqualTo(before.getSerialNumber());
        }
    }

    // ---- trust

    @Test
    void trustInstallsTheRootAndUntrustRemovesIt() throws Exception {
        Path anchors = dir.resolve("anchors");
        String[] store = {"--anchors-dir", anchors.toString(), "--update-command", "true"};

        Result trust = run(concat(new String[] {"trust", "--config", config.toString()}, store));

        assertThat(trust.exit).as(trust.toString()).isZero();
        Path installed = anchors.resolve("gatehouse-local-ca.crt");
        assertThat(installed).hasContent(Files.readString(dir.resolve("data").resolve("local-ca/root.pem")).strip());
        assertThat(trust.out).contains("installed \"Gatehouse Local CA ", installed.toString());
        assertThat(trust.err).contains("created the local CA in");

        Result untrust = run(concat(new String[] {"untrust"}, store));
        Result again = run(concat(new String[] {"untrust"}, store));

        assertThat(untrust.exit).isZero();
        assertThat(installed).doesNotExist();
        assertThat(untrust.out).contains("removed " + installed);
        assertThat(again.exit).isZero();
        assertThat(again.out).contains("nothing to remove");
    }

    @Test
    void trustReportsAFailingOrMissingUpdateCommand() {
        Path anchors = dir.resolve("anchors");

        Result failing = run("trust", "--config", config.toString(), "--anchors-dir", anchors.toString(),
                "--update-command", "false");
        Result missing = run("trust", "--config", config.toString(), "--anchors-dir", anchors.toString(),
                "--update-command", dir.resolve("no-update-ca-certificates").toString());

        assertThat(failing.exit).isEqualTo(1);
        assertThat(failing.err).contains("false failed with exit code 1");
        assertThat(missing.exit).isEqualTo(1);
        assertThat(missing.err).contains("no-update-ca-certificates not found or not executable",
                "apt-get install ca-certificates");
    }

    @Test
    void trustExportWritesTheRootPemToAFileOrStdout() throws Exception {
        Path file = dir.resolve("root.pem");

        Result toFile = run("trust", "--export", file.toString(), "--config", config.toString());
        Result toStdout = run("trust", "--export", "-", "--config", config.toString());

        String root = Files.readString(dir.resolve("data").resolve("local-ca/root.pem"));
        assertThat(toFile.exit).isZero();
        assertThat(file).hasContent(root.strip());
        assertThat(toFile.out).contains("wrote the root certificate \"Gatehouse Local CA ");
        assertThat(toStdout.exit).isZero();
        assertThat(toStdout.out).isEqualTo(root);
        assertThat(toStdout.out).startsWith("-----BEGIN CERTIFICATE-----");
    }

    // ---- help

    @Test
    void helpListsTheCertificateCommands() {
        Result r = run("--help");

        assertThat(r.out).containsPattern("(?m)^\\s+certs\\s+List managed certificates")
                .containsPattern("(?m)^\\s+trust\\s+Install the local CA root")
                .containsPattern("(?m)^\\s+untrust\\s+Remove the local CA root")
                .containsPattern("(?m)^\\s+import\\s+Import certificates from certbot");
        assertThat(run("trust", "--help").out).doesNotContain("--anchors-dir", "--update-command");
        assertThat(run("certs", "--help").out).contains("admin API", "renew");
    }

    // ---- helpers

    private record Result(int exit, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exit, out.toString(), err.toString());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** The leaf certificate the server presents for {@code sni}. */
    private static X509Certificate served(int port, String sni) throws Exception {
        X509TrustManager any = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {any}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(sni)));
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

}
