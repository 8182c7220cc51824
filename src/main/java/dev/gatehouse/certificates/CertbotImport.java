package dev.gatehouse.certificates;

import dev.gatehouse.storage.CertificateMeta;
import dev.gatehouse.storage.CertifiedKey;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.Storage;
import dev.gatehouse.storage.Pem;
import dev.gatehouse.storage.StorageException;
import dev.gatehouse.storage.StorageLockedException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;

/**
 * {@code gatehouse import certbot}: copies the certificates certbot manages into Gatehouse storage, so Gatehouse
 * serves them at once and renews them over ACME when due (source {@code certbot}, next renewal when a third of the
 * lifetime is left, as for its own).
 *
 * <p>A certbot directory ({@code /etc/letsencrypt}) holds one lineage per {@code renewal/<lineage>.conf}, whose
 * current files are {@code live/<lineage>/fullchain.pem} and {@code privkey.pem}: relative symlinks into
 * {@code archive/<lineage>/}, followed here like any reader does. When the live files are missing, the paths in the
 * conf ({@code fullchain =}, {@code privkey =}) are tried. Every SAN of the certificate is stored under its own
 * name. Expired or unreadable lineages are skipped with the reason; a name whose stored certificate lives at least
 * as long is left alone. Blocking (disk).
 */
public final class CertbotImport {
    public static final Path DEFAULT_DIR = Path.of("/etc/letsencrypt");
    /** How long to wait for a running instance that is issuing the same name at this moment. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(10);

    /**
     * What happened to one lineage.
     *
     * @param lineage     certbot's name for it (the conf file name)
     * @param source      the fullchain file read, symlinks resolved, when it was found
     * @param stored      names stored into Gatehouse storage
     * @param kept        names left alone, with the reason (e.g. storage already holds a longer-lived certificate)
     * @param skipped     why the whole lineage was skipped, when it was
     * @param notAfter    the certificate's expiry, when it was read
     * @param nextRenewal when Gatehouse plans to renew it, when stored
     */
    public record Lineage(String lineage, Optional<Path> source, List<String> stored, Map<String, String> kept,
                          Optional<String> skipped, Optional<Instant> notAfter, Optional<Instant> nextRenewal) {
        static Lineage skipped(String lineage, Optional<Path> source, String why) {
            return new Lineage(lineage, source, List.of(), Map.of(), Optional.of(why), Optional.empty(),
                    Optional.empty());
        }
    }

    private final CertificateStore storage;
    private final Clock clock;
    private final RenewalPolicy renewalPolicy = new RenewalPolicy();
    private final Random random = new Random();

    public CertbotImport(CertificateStore storage, Clock clock) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Imports every lineage of {@code certbotDir}, in name order.
     *
     * @throws IOException when {@code certbotDir} is not a certbot directory, or storage cannot be opened
     */
    public List<Lineage> importAll(Path certbotDir) throws IOException, InterruptedException {
        TreeSet<String> lineages = new TreeSet<>();
        Path renewal = certbotDir.resolve("renewal");
        Path live = certbotDir.resolve("live");
        if (!Files.isDirectory(renewal) && !Files.isDirectory(live)) {
            throw new NoSuchFileException(certbotDir.toString(), null,
                    "not a certbot directory (expected: renewal/*.conf and live/<name>/ as certbot writes them)");
        }
        list(renewal, true, lineages);
        list(live, false, lineages);
        storage.open();
        List<Lineage> results = new ArrayList<>();
        for (String lineage : lineages) {
            results.add(importLineage(certbotDir, lineage));
        }
        return results;
    }

    private static void list(Path dir, boolean confs, TreeSet<String> into) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String file = entry.getFileName().toString();
                if (confs && file.endsWith(".conf") && Files.isRegularFile(entry)) {
                    into.add(file.substring(0, file.length() - ".conf".length()));
                } else if (!confs && Files.isDirectory(entry)) {
                    into.add(file);
                }
            }
        }
    }

    private Lineage importLineage(Path certbotDir, String lineage) throws InterruptedException {
        Map<String, String> conf;
        try {
            conf = readConf(certbotDir.resolve("renewal").resolve(lineage + ".conf"));
        } catch (IOException e) {
            return Lineage.skipped(lineage, Optional.empty(), "unreadable: " + reason(
                    certbotDir.resolve("renewal").resolve(lineage + ".conf"), e));
        }
        Path fullchain = pick(certbotDir.resolve("live").resolve(lineage).resolve("fullchain.pem"),
                conf.get("fullchain"));
        Path privkey = pick(certbotDir.resolve("live").resolve(lineage).resolve("privkey.pem"), conf.get("privkey"));
        Optional<Path> source = Optional.of(real(fullchain));
        List<X509Certificate> chain;
        PrivateKey key;
        try {
            chain = Pem.readCertificates(Files.readString(fullchain));
        } catch (IOException e) {
            return Lineage.skipped(lineage, source, "unreadable: " + reason(fullchain, e));
        }
        try {
            key = Pem.readPrivateKey(Files.readString(privkey));
        } catch (IOException e) {
            return Lineage.skipped(lineage, source, "unreadable: " + reason(privkey, e));
        }
        CertifiedKey certificate = new CertifiedKey(chain, key);
        if (!certificate.keyMatches()) {
            return Lineage.skipped(lineage, source, "unreadable: " + privkey + " does not match " + fullchain);
        }
        Instant notAfter = certificate.notAfter();
        if (!notAfter.isAfter(clock.instant())) {
            return Lineage.skipped(lineage, source, "expired on " + notAfter);
        }
        List<String> names = certificate.names();
        if (names.isEmpty()) {
            return Lineage.skipped(lineage, source, "the certificate names no DNS name or IP address (no SAN)");
        }
        Instant next = renewalPolicy.nextRenewal(certificate.leaf(), Optional.empty(), random);
        CertificateMeta meta = new CertificateMeta(CertificateMeta.Source.CERTBOT,
                Optional.of(certificate.leaf().getIssuerX500Principal().getName()), Optional.empty(),
                Optional.of(notAfter), Optional.empty(), Optional.empty(), Optional.of(next));
        List<String> stored = new ArrayList<>();
        Map<String, String> kept = new LinkedHashMap<>();
        for (String name : names) {
            Optional<String> why = store(name, certificate, meta);
            if (why.isPresent()) {
                kept.put(name, why.get());
            } else {
                stored.add(name);
            }
        }
        return new Lineage(lineage, source, List.copyOf(stored), Map.copyOf(kept), Optional.empty(),
                Optional.of(notAfter), Optional.of(next));
    }

    /** Stores {@code certificate} under {@code name}; the reason when it did not. */
    private Optional<String> store(String name, CertifiedKey certificate, CertificateMeta meta)
            throws InterruptedException {
        try (Storage.Lock ignored = storage.lock(name, LOCK_WAIT)) {
            Optional<CertifiedKey> current;
            try {
                current = storage.loadCertificate(name);
            } catch (StorageException e) {
                current = Optional.empty(); // unusable anyway: replace it
            }
            if (current.isPresent() && !current.get().notAfter().isBefore(certificate.notAfter())) {
                return Optional.of("storage already holds a certificate valid until " + current.get().notAfter());
            }
            storage.saveCertificate(name, certificate);
            storage.saveMeta(name, meta);
            return Optional.empty();
        } catch (StorageLockedException e) {
            return Optional.of("a running Gatehouse is issuing it right now; run the import again later");
        } catch (StorageException | IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** {@code key = value} lines of a certbot renewal conf (ConfigObj format); sections and comments skipped. */
    static Map<String, String> readConf(Path file) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return values;
        }
        for (String line : Files.readAllLines(file)) {
            String text = line.strip();
            int eq = text.indexOf('=');
            if (text.isEmpty() || text.startsWith("#") || text.startsWith("[") || eq < 0) {
                continue;
            }
            values.putIfAbsent(text.substring(0, eq).strip(), text.substring(eq + 1).strip());
        }
        return values;
    }

    private static Path pick(Path live, String fromConf) {
        return Files.exists(live) || fromConf == null || fromConf.isEmpty() ? live : Path.of(fromConf);
    }

    private static Path real(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file;
        }
    }

    private static String reason(Path file, IOException e) {
        if (e instanceof AccessDeniedException) {
            return file + ": permission denied (certbot's keys are readable by root only: run the import with sudo)";
        }
        if (e instanceof NoSuchFileException) {
            return file + ": no such file (a live/ symlink pointing nowhere in archive/?)";
        }
        return file + ": " + e.getMessage();
    }
}
