package dev.gatehouse.cli;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.Site;
import dev.gatehouse.config.SiteTls;
import dev.gatehouse.storage.CertificateMeta;
import dev.gatehouse.storage.CertifiedKey;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.StorageException;
import dev.gatehouse.tls.CertificateFileException;
import dev.gatehouse.tls.FileCertificate;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The rows of {@code gatehouse certs}: every site of the config (in file order), then every other name in storage
 * (sorted), each with what the storage directory says about its certificate. Reads files only; writes nothing.
 */
final class CertificateTable {
    static final String NONE_YET = "none yet";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'")
            .withZone(ZoneOffset.UTC);
    private static final String[] HEADER = {"NAME", "SOURCE", "ISSUER", "NOT AFTER", "NEXT RENEWAL", "LAST ERROR"};

    /** One name; {@code inConfig} false for names only found in storage. */
    record Row(String name, boolean inConfig, String source, String issuer, String notAfter, String nextRenewal,
               String lastError) {
        String[] cells() {
            return new String[] {inConfig ? name : name + " *", source, issuer, notAfter, nextRenewal, lastError};
        }
    }

    private final GatehouseConfig config;
    private final FileStorage storage;
    private final Clock clock;

    CertificateTable(GatehouseConfig config, FileStorage storage, Clock clock) {
        this.config = config;
        this.storage = storage;
        this.clock = clock;
    }

    List<Row> rows() throws StorageException {
        Map<String, Optional<Site>> names = new LinkedHashMap<>();
        for (Site site : config.sites().values()) {
            names.put(site.host().toLowerCase(Locale.ROOT), Optional.of(site));
        }
        for (String stored : storage.certificateNames()) {
            names.putIfAbsent(stored, Optional.empty());
        }
        List<Row> rows = new ArrayList<>();
        names.forEach((name, site) -> rows.add(row(name, site)));
        return rows;
    }

    private Row row(String name, Optional<Site> site) {
        if (site.isPresent() && site.get().tls() instanceof SiteTls.Files files) {
            try {
                CertifiedKey certificate = new FileCertificate(files.cert(), files.key()).load();
                return new Row(name, true, CertificateMeta.Source.FILES.key(), issuer(certificate),
                        notAfter(certificate.notAfter()), "reloaded when the files change", "-");
            } catch (CertificateFileException e) {
                return new Row(name, true, CertificateMeta.Source.FILES.key(), "-", "-", "-", oneLine(e.getMessage()));
            }
        }
        String error = "-";
        Optional<CertificateMeta> loadedMeta = Optional.empty();
        Optional<CertifiedKey> loadedCertificate = Optional.empty();
        try {
            loadedMeta = storage.loadMeta(name);
        } catch (StorageException e) {
            error = e.getMessage();
        }
        try {
            loadedCertificate = storage.loadCertificate(name);
        } catch (StorageException e) {
            error = e.getMessage();
        }
        Optional<CertificateMeta> meta = loadedMeta;
        Optional<CertifiedKey> certificate = loadedCertificate;
        if (meta.isPresent() && meta.get().lastError().isPresent()) {
            error = meta.get().lastError().get();
        }
        String source = meta.map(m -> m.source().key()).orElse(certificate.isPresent() ? "unknown" : NONE_YET);
        String issuer = certificate.map(CertificateTable::issuer)
                .or(() -> meta.flatMap(CertificateMeta::issuer).map(CertificateTable::commonName)).orElse("-");
        String notAfter = certificate.map(CertifiedKey::notAfter).or(() -> meta.flatMap(CertificateMeta::notAfter))
                .map(this::notAfter).orElse("-");
        String next = meta.flatMap(CertificateMeta::nextRenewal).map(this::nextRenewal)
                .orElse(certificate.isEmpty() && site.isPresent() ? "when gatehouse runs" : "-");
        return new Row(name, site.isPresent(), source, issuer, notAfter, next, oneLine(error));
    }

    /** Writes {@code rows} as aligned columns; the last column (errors) is never padded or cut. */
    static void print(List<Row> rows, PrintWriter out) {
        List<String[]> lines = new ArrayList<>();
        lines.add(HEADER);
        rows.forEach(r -> lines.add(r.cells()));
        int[] widths = new int[HEADER.length];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : lines) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                text.append(i == line.length - 1 ? line[i] : String.format("%-" + widths[i] + "s  ", line[i]));
            }
            out.println(text.toString().stripTrailing());
        }
    }

    private String notAfter(Instant at) {
        long days = Duration.between(clock.instant(), at).toDays();
        if (!at.isAfter(clock.instant())) {
            return TIME.format(at) + " (EXPIRED)";
        }
        return TIME.format(at) + " (" + days + (days == 1 ? " day)" : " days)");
    }

    private String nextRenewal(Instant at) {
        return at.isAfter(clock.instant()) ? TIME.format(at) : "due now";
    }

    private static String issuer(CertifiedKey certificate) {
        return commonName(certificate.leaf().getIssuerX500Principal().getName());
    }

    /** The CN of a distinguished name, which is what users recognise ("R11", "Gatehouse Local CA 1a2b3c4d"). */
    static String commonName(String dn) {
        try {
            RDN[] cns = new X500Name(dn).getRDNs(BCStyle.CN);
            return cns.length == 0 ? dn : IETFUtils.valueToString(cns[0].getFirst().getValue());
        } catch (IllegalArgumentException e) {
            return dn;
        }
    }

    private static String oneLine(String text) {
        return text == null ? "-" : text.replaceAll("\\s*\\R\\s*", " ");
    }
}
