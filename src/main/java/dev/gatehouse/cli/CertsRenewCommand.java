package dev.gatehouse.cli;

import dev.gatehouse.admin.AdminClient;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.Site;
import dev.gatehouse.config.SiteTls;
import dev.gatehouse.storage.CertificateMeta;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.Storage;
import dev.gatehouse.storage.StorageException;
import dev.gatehouse.certificates.CertificateInventory;
import dev.gatehouse.certificates.RenewRequests;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * {@code gatehouse certs renew NAME}: asks the running instance to renew NAME now, through its admin API when it
 * answers, else through a marker file in the shared storage directory (picked up within about 2 s); with
 * {@code --wait} watches the stored meta data for the outcome.
 */
@Command(name = "renew", mixinStandardHelpOptions = true, description = "Ask the running Gatehouse to renew a site's certificate now.",
        footer = {"", "Asks the running Gatehouse through its admin API when the config has one (or --admin URL is "
                + "given); otherwise leaves a request in the storage directory, which a running Gatehouse using the "
                + "same storage picks up within about 2 seconds (nothing happens until one runs). Exit 1 when NAME is "
                + "not a site, or with --wait when the renewal failed or no outcome was seen in time."})
final class CertsRenewCommand extends ConfigCommand {
    static final Duration POLL = Duration.ofMillis(250);

    @Parameters(index = "0", paramLabel = "NAME", description = "site name from the config, e.g. app.example.com")
    String name;

    @Option(names = "--wait", paramLabel = "SECONDS", arity = "0..1", fallbackValue = "60",
            description = "wait up to SECONDS (default when given without a value: ${FALLBACK-VALUE}) for the outcome")
    Integer waitSeconds;

    @Mixin
    AdminOptions admin;

    @Override
    int run(GatehouseConfig cfg, PrintWriter out, PrintWriter err) throws InterruptedException {
        Optional<Site> site = cfg.sites().values().stream()
                .filter(s -> s.host().equalsIgnoreCase(name)).findFirst();
        if (site.isEmpty()) {
            err.printf("certs renew: \"%s\" is not a site of %s (expected one of: %s)%n", name, config.file,
                    cfg.sites().keySet().stream().sorted().collect(Collectors.joining(", ")));
            return 1;
        }
        String host = site.get().host();
        if (site.get().tls() instanceof SiteTls.Files files) {
            err.printf("certs renew: %s serves your own files (%s); Gatehouse reloads them when they change, "
                    + "there is nothing to renew%n", host, files.cert());
            return 1;
        }
        CertificateStore storage = ConfigOption.storage(cfg);
        Optional<CertificateMeta> before;
        try {
            before = storage.loadMeta(host);
        } catch (StorageException e) {
            err.println("certs renew: " + e.getMessage());
            return 1;
        }
        Optional<AdminClient> client = admin.client(cfg.admin());
        if (client.isPresent()) {
            OptionalInt done = viaAdmin(client.get(), storage, host, before, out, err);
            if (done.isPresent()) {
                return done.getAsInt();
            }
        }
        return viaStorage(storage, host, before, out, err);
    }

    /** {@code POST /certificates/NAME/renew}; empty when no instance answers and the request should go to storage. */
    private OptionalInt viaAdmin(AdminClient client, CertificateStore storage, String host, Optional<CertificateMeta> before,
                                 PrintWriter out, PrintWriter err) throws InterruptedException {
        try {
            AdminClient.Response r = client.post("certificates/" + host + "/renew");
            if (!r.ok()) {
                err.println("certs renew: " + AdminOptions.refusal(r));
                return OptionalInt.of(1);
            }
        } catch (IOException e) {
            if (admin.admin == null && e instanceof AdminClient.UnreachableException) {
                return OptionalInt.empty(); // not running: leave the request in storage for when it runs
            }
            err.println("certs renew: " + e.getMessage());
            return OptionalInt.of(1);
        }
        out.printf("%s: renewal started by the running Gatehouse (%s)%n", host, client.base());
        if (waitSeconds == null) {
            out.println("See the outcome with: gatehouse certs");
            return OptionalInt.of(0);
        }
        out.flush();
        return OptionalInt.of(await(storage, host, Optional.empty(), before, out, err));
    }

    /** A marker file in storage that a running instance sharing it picks up. */
    private int viaStorage(CertificateStore storage, String host, Optional<CertificateMeta> before, PrintWriter out,
                           PrintWriter err) throws InterruptedException {
        String marker;
        try {
            storage.open();
            marker = RenewRequests.request(storage, host);
        } catch (IOException e) {
            err.println("certs renew: " + e.getMessage());
            return 1;
        }
        out.printf("%s: renewal requested (%s/%s)%n", host, storage.describe(), marker);
        if (waitSeconds == null) {
            out.println("A running Gatehouse using " + storage.describe() + " renews it within a few seconds; "
                    + "nothing happens until one runs. See the outcome with: gatehouse certs");
            return 0;
        }
        out.flush();
        return await(storage, host, Optional.of(marker), before, out, err);
    }

    /**
     * Polls the meta data until its last attempt moves past the one seen before the request, for {@code --wait}
     * seconds; {@code marker} is the request file when there is one (not for requests made through the admin API).
     */
    private int await(CertificateStore storage, String host, Optional<String> marker, Optional<CertificateMeta> before,
                      PrintWriter out, PrintWriter err) throws InterruptedException {
        Duration limit = Duration.ofSeconds(Math.max(0, waitSeconds));
        Optional<Instant> attemptBefore = before.flatMap(CertificateMeta::lastAttempt);
        Instant deadline = Instant.now().plus(limit);
        while (true) {
            Optional<CertificateMeta> now;
            try {
                now = storage.loadMeta(host);
            } catch (StorageException e) {
                now = Optional.empty(); // half-written by the instance at this moment: look again
            }
            Optional<Instant> attempt = now.flatMap(CertificateMeta::lastAttempt);
            if (attempt.isPresent() && !attempt.equals(attemptBefore)) {
                CertificateMeta meta = now.get();
                if (meta.lastError().isPresent()) {
                    err.printf("%s: renewal failed: %s%s%n", host, meta.lastError().get(),
                            meta.nextRenewal().map(t -> "; next attempt " + t).orElse(""));
                    return 1;
                }
                out.printf("%s: renewed by %s, valid until %s%n", host,
                        meta.issuer().map(CertificateInventory::commonName).orElse(meta.source().key()),
                        meta.notAfter().map(Instant::toString).orElse("?"));
                return 0;
            }
            if (!Instant.now().isBefore(deadline)) {
                if (marker.isPresent() && stillThere(storage, marker.get())) {
                    err.printf("%s: no running Gatehouse picked up the request within %ds (is one running with "
                            + "storage %s?); the request stays and is served when one starts%n", host,
                            limit.toSeconds(), storage.describe());
                } else {
                    err.printf("%s: a running Gatehouse took the request but the renewal has not finished within "
                            + "%ds; see the outcome later with: gatehouse certs%n", host, limit.toSeconds());
                }
                return 1;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private static boolean stillThere(CertificateStore storage, String key) {
        try {
            return storage.storage().exists(key);
        } catch (StorageException e) {
            return true; // cannot tell: say what is most likely
        }
    }
}
