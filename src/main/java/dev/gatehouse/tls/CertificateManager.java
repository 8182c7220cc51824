package dev.gatehouse.tls;

import dev.gatehouse.acme.AcmeIssueException;
import dev.gatehouse.acme.AcmeIssuer;
import dev.gatehouse.acme.Backoff;
import dev.gatehouse.acme.ChallengePlan;
import dev.gatehouse.acme.Issued;
import dev.gatehouse.acme.RenewalPolicy;
import dev.gatehouse.acme.RenewalWindow;
import dev.gatehouse.config.DnsSettings;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.Site;
import dev.gatehouse.config.SiteTls;
import dev.gatehouse.storage.CertificateMeta;
import dev.gatehouse.storage.CertifiedKey;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.net.URI;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps every site's certificate in the {@link CertificateRegistry}: the user's files (reloaded when they change),
 * the local CA's, or ACME's, each renewed ahead of expiry and swapped in without a restart. A failed ACME order keeps
 * the working certificate and is retried with backoff. All work runs on the given scheduler, never an event loop;
 * issuance is deduplicated per name in this process and, through a lock file, across processes sharing storage.
 */
public final class CertificateManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CertificateManager.class);
    /** How often a running instance looks for {@code gatehouse certs renew NAME} requests. */
    static final Duration RENEW_REQUEST_POLL = Duration.ofSeconds(2);

    /** The running config's sites; replaced by {@link #update}. */
    private volatile GatehouseConfig config;
    private final FileStorage storage;
    private final CertificateRegistry registry;
    private final AcmeIssuer acme;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final RenewalPolicy renewalPolicy = new RenewalPolicy();
    private final Backoff backoff = new Backoff();
    private final Random random = new Random();
    private final Map<String, ScheduledFuture<?>> scheduled = new ConcurrentHashMap<>();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final Map<String, Boolean> inFlight = new ConcurrentHashMap<>();
    private final Map<String, FileCertificate.Watch> watches = new ConcurrentHashMap<>();
    private volatile boolean started;
    private final AtomicLong acmeOrders = new AtomicLong();
    private final AtomicLong acmeFailures = new AtomicLong();
    private volatile LocalCa localCa;

    public CertificateManager(GatehouseConfig config, FileStorage storage, CertificateRegistry registry,
                              AcmeIssuer acme, ScheduledExecutorService scheduler, Clock clock) {
        this.config = config;
        this.storage = storage;
        this.registry = registry;
        this.acme = acme;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /**
     * Puts a certificate in place for every site that can have one at once: user files, local CA certificates, and
     * ACME certificates already in storage. Blocking (disk, key generation): call it before serving, not on an
     * event loop. Errors with one site are logged and do not stop the others.
     */
    public void loadAll() throws StorageException, InterruptedException {
        storage.open();
        for (Site site : config.sites().values()) {
            try {
                load(site);
            } catch (Exception e) {
                log.error("tls name={} cannot serve a certificate: {}", site.host(), e.getMessage());
            }
        }
        config.defaultSite().filter(registry.names()::contains).ifPresent(registry::setDefault);
    }

    private void load(Site site) throws Exception {
        String name = site.host();
        switch (CertificateSource.of(site)) {
            case FILES -> {
                SiteTls.Files files = (SiteTls.Files) site.tls();
                FileCertificate file = new FileCertificate(files.cert(), files.key());
                registry.put(name, file.load());
                closeWatch(name);
                watches.put(name, file.watch(scheduler, FileCertificate.DEFAULT_POLL_INTERVAL, reloaded -> {
                    try {
                        registry.put(name, reloaded);
                        log.info("tls name={} reloaded {}", name, files.cert());
                    } catch (Exception e) {
                        log.error("tls name={} reloaded files unusable, keeping the old ones: {}", name, e.getMessage());
                    }
                }));
            }
            case LOCAL -> serveLocal(name);
            case ACME -> {
                Optional<CertifiedKey> stored = storage.loadCertificate(name);
                if (stored.isPresent()) {
                    registry.put(name, stored.get());
                }
                Optional<String> problem = wildcardProblem(site);
                if (problem.isPresent()) {
                    log.error("tls name={} {}: {}", name, stored.isPresent()
                            ? "the stored certificate is served but cannot be renewed" : "no certificate to serve",
                            problem.get());
                }
            }
        }
    }

    /** Starts issuing and renewing ACME certificates (call once the listeners that answer challenges are bound). */
    public void start() {
        started = true;
        for (Site site : config.sites().values()) {
            if (CertificateSource.of(site) == CertificateSource.ACME && wildcardProblem(site).isEmpty()) {
                scheduleAcme(site.host(), nextAcmeAttempt(site.host()), false);
            }
        }
        scheduler.scheduleWithFixedDelay(this::pollRenewRequests, RENEW_REQUEST_POLL.toMillis(),
                RENEW_REQUEST_POLL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Takes a reloaded config's sites: sites new to it (or whose {@code tls:} changed) get their certificate as at
     * start (files, local CA at once; ACME scheduled now), removed ones are no longer served or renewed (what storage
     * holds for them stays). Blocking (disk, key generation): call it off the event loop. Errors with one site are
     * logged and do not stop the others.
     */
    public synchronized void update(GatehouseConfig next) {
        Map<String, Site> before = config.sites();
        config = next;
        for (Site old : before.values()) {
            Site now = next.sites().get(old.host());
            if (now == null || !now.tls().equals(old.tls())) {
                forget(old.host());
            }
        }
        for (Site site : next.sites().values()) {
            Site old = before.get(site.host());
            if (old != null && old.tls().equals(site.tls())) {
                continue;
            }
            try {
                load(site);
            } catch (Exception e) {
                log.error("tls name={} cannot serve a certificate: {}", site.host(), e.getMessage());
            }
            if (started && CertificateSource.of(site) == CertificateSource.ACME && wildcardProblem(site).isEmpty()) {
                scheduleAcme(site.host(), nextAcmeAttempt(site.host()), false);
            }
        }
        Optional<String> defaultName = next.defaultSite().filter(registry.names()::contains);
        if (defaultName.isPresent()) {
            registry.setDefault(defaultName.get());
        } else {
            registry.clearDefault();
        }
    }

    /** A site left the config (or changed where its certificate comes from): stop serving and renewing it. */
    private void forget(String name) {
        ScheduledFuture<?> renewal = scheduled.remove(name);
        if (renewal != null) {
            renewal.cancel(false);
        }
        closeWatch(name);
        failures.remove(name);
        registry.remove(name);
        log.info("tls name={} no longer in the config: not served or renewed (stored files kept)", name);
    }

    private void closeWatch(String name) {
        FileCertificate.Watch w = watches.remove(name);
        if (w != null) {
            try {
                w.close();
            } catch (Exception e) {
                log.debug("tls closing a file watch: {}", e.toString());
            }
        }
    }

    /** Forces a renewal of {@code name} now (ACME or local CA). */
    public void renew(String name) {
        config.sites().values().stream().filter(s -> s.host().equals(name)).findFirst().ifPresent(site -> {
            if (CertificateSource.of(site) == CertificateSource.LOCAL) {
                scheduler.execute(() -> guarded(name, () -> issueLocal(name)));
            } else if (CertificateSource.of(site) == CertificateSource.ACME) {
                scheduleAcme(name, clock.instant(), true);
            }
        });
    }

    /** Serves what storage holds for an ACME site now (after an import) and plans its renewal from there. */
    private void reloadStored(String name) throws StorageException {
        boolean acmeSite = config.sites().values().stream()
                .anyMatch(s -> s.host().equals(name) && CertificateSource.of(s) == CertificateSource.ACME);
        Optional<CertifiedKey> stored = storage.loadCertificate(name);
        if (!acmeSite || stored.isEmpty()) {
            return;
        }
        try {
            registry.put(name, stored.get());
        } catch (SSLException e) {
            log.error("tls name={} stored certificate unusable: {}", name, e.getMessage());
            return;
        }
        log.info("tls name={} serving the stored certificate, valid until {}", name, stored.get().notAfter());
        if (config.sites().values().stream().anyMatch(s -> s.host().equals(name) && wildcardProblem(s).isEmpty())) {
            scheduleAcme(name, nextAcmeAttempt(name), false);
        }
    }

    /** ACME orders started since start. */
    public long acmeOrders() {
        return acmeOrders.get();
    }

    /** ACME orders that failed since start. */
    public long acmeFailures() {
        return acmeFailures.get();
    }

    // ---- local CA

    private void serveLocal(String name) throws Exception {
        Optional<CertifiedKey> stored = storage.loadCertificate(name);
        Optional<CertificateMeta> meta = storage.loadMeta(name);
        boolean usable = stored.isPresent() && meta.map(m -> m.source() == CertificateMeta.Source.INTERNAL).orElse(false)
                && renewalPolicy.nextRenewal(stored.get().leaf(), Optional.empty(), random).isAfter(clock.instant());
        if (usable) {
            registry.put(name, stored.get());
            scheduleLocal(name, stored.get());
        } else {
            issueLocal(name);
        }
    }

    private void issueLocal(String name) throws Exception {
        CertifiedKey issued = localCa().issue(localNames(name));
        Instant next = renewalPolicy.nextRenewal(issued.leaf(), Optional.empty(), random);
        storage.saveCertificate(name, issued);
        registry.put(name, issued);
        storage.saveMeta(name, CertificateMeta.issued(CertificateMeta.Source.INTERNAL, issued, clock.instant())
                .withNextRenewal(next));
        scheduleLocal(name, issued);
        log.info("tls name={} issued by the local CA, valid until {}", name, issued.notAfter());
    }

    /** {@code localhost} also answers as the loopback addresses, so https://127.0.0.1 validates too. */
    static List<String> localNames(String name) {
        return name.equals("localhost") ? List.of("localhost", "127.0.0.1", "::1") : List.of(name);
    }

    private void scheduleLocal(String name, CertifiedKey certificate) {
        Instant next = renewalPolicy.nextRenewal(certificate.leaf(), Optional.empty(), random);
        schedule(name, next, () -> issueLocal(name));
    }

    private LocalCa localCa() throws StorageException, InterruptedException {
        LocalCa ca = localCa;
        if (ca == null) {
            synchronized (this) {
                if (localCa == null) {
                    localCa = LocalCa.loadOrCreate(storage, clock);
                }
                ca = localCa;
            }
        }
        return ca;
    }

    // ---- ACME

    /** Why ACME cannot get this site a certificate whatever the listeners: a wildcard without a DNS provider. */
    private Optional<String> wildcardProblem(Site site) {
        return wildcardProblem(config, site);
    }

    static Optional<String> wildcardProblem(GatehouseConfig config, Site site) {
        return site.isWildcard()
                ? ChallengePlan.of(config.acme(), site.dns()).problem(List.of(site.host()), Set.of())
                : Optional.empty();
    }

    private Instant nextAcmeAttempt(String name) {
        try {
            Optional<CertifiedKey> stored = storage.loadCertificate(name);
            Optional<CertificateMeta> meta = storage.loadMeta(name);
            if (stored.isEmpty()) {
                return clock.instant();
            }
            Optional<Instant> planned = meta.flatMap(CertificateMeta::nextRenewal);
            return planned.orElseGet(() -> renewalPolicy.nextRenewal(stored.get().leaf(), Optional.empty(), random));
        } catch (StorageException e) {
            log.warn("tls name={} stored certificate unreadable, ordering a new one: {}", name, e.getMessage());
            return clock.instant();
        }
    }

    private void scheduleAcme(String name, Instant at, boolean forced) {
        schedule(name, at, () -> issueAcme(name, forced));
    }

    private void issueAcme(String name, boolean forced) throws Exception {
        try (FileStorage.Lock lock = storage.lock(name)) {
            // Another process sharing this storage may have renewed it while we waited for the lock.
            Optional<CertifiedKey> stored = storage.loadCertificate(name);
            Optional<Instant> planned = storage.loadMeta(name).filter(m -> m.lastError().isEmpty())
                    .flatMap(CertificateMeta::nextRenewal);
            if (!forced && stored.isPresent() && planned.isPresent() && planned.get().isAfter(clock.instant())) {
                registry.put(name, stored.get());
                scheduleAcme(name, planned.get(), false);
                return;
            }
            if (!forced && stored.isPresent() && deferredByAri(name, stored.get())) {
                return;
            }
            KeyPair key = KeyPairs.ecP256();
            acmeOrders.incrementAndGet();
            Optional<DnsSettings> dns = Optional.ofNullable(config.sites().get(name)).flatMap(Site::dns);
            Issued issued = acme.issue(List.of(name), key, dns);
            CertifiedKey certificate = new CertifiedKey(issued.chain(), key.getPrivate());
            Instant next = renewalPolicy.nextRenewal(issued.leaf(), issued.renewalInfo(), random);
            storage.saveCertificate(name, certificate);
            registry.put(name, certificate);
            storage.saveMeta(name, CertificateMeta.issued(CertificateMeta.Source.ACME, certificate, clock.instant())
                    .withDirectory(issued.directory()).withNextRenewal(next));
            failures.remove(name);
            scheduleAcme(name, next, false);
            log.info("tls name={} certificate from {} valid until {}, renewal planned {}", name, issued.directory(),
                    certificate.notAfter(), next);
        } catch (AcmeIssueException e) {
            acmeFailed(name, e);
        }
    }

    /**
     * Due by our own rule: the CA may still say "later" through its renewal information (RFC 9773), e.g. to spread
     * its load; then the renewal moves to a random time inside its window. CAs without ARI change nothing.
     */
    private boolean deferredByAri(String name, CertifiedKey stored) throws StorageException {
        Optional<CertificateMeta> meta = storage.loadMeta(name);
        Optional<URI> directory = meta.flatMap(CertificateMeta::directory);
        if (directory.isEmpty()) {
            return false;
        }
        try {
            Optional<RenewalWindow> window = acme.renewalWindow(stored.leaf(), directory.get());
            if (window.isEmpty() || !window.get().start().isAfter(clock.instant())) {
                return false;
            }
            Instant next = renewalPolicy.nextRenewal(stored.leaf(), window, random);
            storage.saveMeta(name, meta.get().withNextRenewal(next));
            scheduleAcme(name, next, false);
            log.info("tls name={} the CA's renewal window starts {}: renewal moved to {}", name, window.get().start(), next);
            return true;
        } catch (AcmeIssueException e) {
            log.debug("tls name={} no renewal information from {}: {}", name, directory.get(), e.getMessage());
            return false;
        }
    }

    private void acmeFailed(String name, AcmeIssueException e) throws StorageException {
        acmeFailures.incrementAndGet();
        int count = failures.merge(name, 1, Integer::sum);
        Instant now = clock.instant();
        Instant retry = backoff.nextAttempt(count, now, e.retryAfter(), random);
        CertificateMeta meta = storage.loadMeta(name).orElse(CertificateMeta.of(CertificateMeta.Source.ACME));
        storage.saveMeta(name, meta.withFailure(e.getMessage(), now).withNextRenewal(retry));
        log.error("tls name={} ACME order failed (attempt {}), {}, retry at {}: {}", name, count,
                registry.names().contains(name) ? "keeping the current certificate" : "no certificate to serve yet",
                retry, e.getMessage());
        scheduleAcme(name, retry, false);
    }

    // ---- scheduling

    private interface Work {
        void run() throws Exception;
    }

    private void schedule(String name, Instant at, Work work) {
        if (!config.sites().containsKey(name)) {
            return; // the site was removed by a reload while its certificate work ran
        }
        long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        ScheduledFuture<?> previous = scheduled.put(name,
                scheduler.schedule(() -> guarded(name, work), delay, TimeUnit.MILLISECONDS));
        if (previous != null) {
            previous.cancel(false);
        }
    }

    /** One issuance per name at a time; a periodic task must never throw (it would never run again). */
    private void guarded(String name, Work work) {
        if (inFlight.putIfAbsent(name, Boolean.TRUE) != null) {
            return;
        }
        try {
            work.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            log.error("tls name={} certificate task failed: {}", name, t.toString());
        } finally {
            inFlight.remove(name);
        }
    }

    private void pollRenewRequests() {
        try {
            for (String name : RenewRequests.takeRenewals(storage)) {
                log.info("tls name={} renewal requested", name);
                renew(name);
            }
            for (String name : RenewRequests.takeReloads(storage)) {
                reloadStored(name);
            }
        } catch (Throwable t) {
            log.warn("tls cannot read renewal requests: {}", t.toString());
        }
    }

    @Override
    public void close() {
        scheduled.values().forEach(f -> f.cancel(false));
        for (String name : List.copyOf(watches.keySet())) {
            closeWatch(name);
        }
    }
}
