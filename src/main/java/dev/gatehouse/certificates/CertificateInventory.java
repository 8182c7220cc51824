package dev.gatehouse.certificates;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.Site;
import dev.gatehouse.config.SiteTls;
import dev.gatehouse.storage.CertificateMeta;
import dev.gatehouse.storage.CertifiedKey;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.Storage;
import dev.gatehouse.storage.StorageException;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every certificate of a config (in file order; a site with two key types has two, the second named like
 * {@code app.example.com+rsa2048}), then every other name in storage (sorted), each with what storage (or the user's
 * files) says about it. Reads files only, writes nothing: {@code gatehouse certs} uses it
 * without a running instance, the admin API on a running one. Blocking: never call it on an event loop.
 */
public final class CertificateInventory {
    private final GatehouseConfig config;
    private final CertificateStore storage;

    public CertificateInventory(GatehouseConfig config, CertificateStore storage) {
        this.config = config;
        this.storage = storage;
    }

    /** @throws StorageException when the storage directory cannot be listed */
    public List<CertificateStatus> statuses() throws StorageException {
        Map<String, Optional<Site>> names = new LinkedHashMap<>();
        for (Site site : config.sites().values()) {
            for (ManagedCertificate certificate : ManagedCertificate.of(site)) {
                names.put(certificate.id().toLowerCase(Locale.ROOT), Optional.of(site));
            }
        }
        for (String stored : storage.certificateNames()) {
            names.putIfAbsent(stored, Optional.empty());
        }
        List<CertificateStatus> out = new ArrayList<>();
        names.forEach((name, site) -> out.add(status(name, site)));
        return out;
    }

    /** One name; empty when it is neither a site nor in storage. */
    public Optional<CertificateStatus> status(String name) throws StorageException {
        return statuses().stream().filter(s -> s.name().equalsIgnoreCase(name)).findFirst();
    }

    private CertificateStatus status(String name, Optional<Site> site) {
        if (site.isPresent() && site.get().tls() instanceof SiteTls.Files files) {
            String source = CertificateMeta.Source.FILES.key();
            try {
                CertifiedKey certificate = new FileCertificate(files.cert(), files.key()).load();
                return new CertificateStatus(name, true, source, Optional.of(issuer(certificate)),
                        Optional.of(certificate.leaf().getNotBefore().toInstant()), Optional.of(certificate.notAfter()),
                        Optional.empty(), Optional.empty(), Optional.empty());
            } catch (CertificateFileException e) {
                return new CertificateStatus(name, true, source, Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.of(e.getMessage()));
            }
        }
        Optional<String> error = Optional.empty();
        Optional<CertificateMeta> loadedMeta = Optional.empty();
        Optional<CertifiedKey> loadedCertificate = Optional.empty();
        try {
            loadedMeta = storage.loadMeta(name);
        } catch (StorageException e) {
            error = Optional.of(e.getMessage());
        }
        try {
            loadedCertificate = storage.loadCertificate(name);
        } catch (StorageException e) {
            error = Optional.of(e.getMessage());
        }
        Optional<CertificateMeta> meta = loadedMeta;
        Optional<CertifiedKey> certificate = loadedCertificate;
        if (meta.isPresent() && meta.get().lastError().isPresent()) {
            error = meta.get().lastError();
        }
        if (error.isEmpty() && site.isPresent() && CertificateSource.of(site.get()) == CertificateSource.ACME) {
            error = CertificateManager.wildcardProblem(config, site.get())
                    .map(p -> (certificate.isPresent() ? "served but not renewable: " : "") + p);
        }
        String source = meta.map(m -> m.source().key()).orElse(certificate.isPresent() ? "unknown"
                : CertificateStatus.NONE);
        Optional<String> issuer = certificate.map(CertificateInventory::issuer)
                .or(() -> meta.flatMap(CertificateMeta::issuer).map(CertificateInventory::commonName));
        Optional<Instant> notAfter = certificate.map(CertifiedKey::notAfter)
                .or(() -> meta.flatMap(CertificateMeta::notAfter));
        return new CertificateStatus(name, site.isPresent(), source, issuer,
                certificate.map(c -> c.leaf().getNotBefore().toInstant()), notAfter,
                meta.flatMap(CertificateMeta::nextRenewal), meta.flatMap(CertificateMeta::lastAttempt), error);
    }

    private static String issuer(CertifiedKey certificate) {
        return commonName(certificate.leaf().getIssuerX500Principal().getName());
    }

    /** The CN of a distinguished name, which is what users recognise ("R11", "Gatehouse Local CA 1a2b3c4d"). */
    public static String commonName(String dn) {
        try {
            RDN[] cns = new X500Name(dn).getRDNs(BCStyle.CN);
            return cns.length == 0 ? dn : IETFUtils.valueToString(cns[0].getFirst().getValue());
        } catch (IllegalArgumentException e) {
            return dn;
        }
    }
}
