package dev.gatehouse.certificates;

import dev.gatehouse.acme.AcmeIssueException;
import dev.gatehouse.acme.AcmeIssuer;
import dev.gatehouse.acme.Issued;
import dev.gatehouse.acme.RenewalWindow;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.Site;
import dev.gatehouse.config.SiteTls;
import dev.gatehouse.storage.CertificateMeta;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.CertifiedKey;
import dev.gatehouse.storage.Storage;
import dev.gatehouse.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps every site's certificates in the {@link CertificateSink} (the TLS layer's registry): the user's files
 * (reloaded when they change), the local CA's, or ACME's, each renewed ahead of expiry and swapped in without a
 * restart. A site has one certificate per key type, each carrying all its names (host and aliases). A failed ACME
 * order keeps the working certificate and is retried with backoff. Work runs on the given executors, never an event
 * loop; issuance is deduplicated per certificate in this process and, through a storage lock, across processes.
 */
public final class CertificateManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CertificateManager.class);
    /** How often a running instance looks for {@code gatehouse certs renew NAME} requests. */
    static final Duration RENEW_REQUEST_POLL = Duration.ofSeconds(2);
    /** How often served certificates are looked at for expiry alerts (also at start and after each failure). */
    static final Duration EXPIRY_CHECK = Duration.ofHours(1);
    /** How soon a renewal deferred because storage did not answer (Redis away in a cluster) is tried again. */
    static final Duration STORAGE_RETRY = Duration.ofSeconds(30);

    /** The running config's sites; replaced by {@link #update}. */
    private volatile GatehouseConfig config;
    private final CertificateStore storage;
    private final CertificateSink registry;
    private final AcmeIssuer acme;
    private final ScheduledExecutorService scheduler;
    private final WorkSchedule work;
    private final Clock clock;
    private final RenewalPolicy renewalPolicy = new RenewalPolicy();
    private final Backoff backoff = new Backoff();
    private final OrderPacing pacing;
    private final CertificateAlerts alerts;
    /** What is served for each certificate now, by id, for alerts. */
    private final Map<String, CertifiedKey> served = new ConcurrentHashMap<>();
    private final Random random = new Random();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final Map<String, FileCertificate.Watch> watches = new ConcurrentHashMap<>();
    private volatile boolean started;
    private final AtomicLong acmeOrders = new AtomicLong();
    private final AtomicLong acmeFailures = new AtomicLong();
    private volatile LocalCa localCa;

    /**
     * @param scheduler timers, file watches and request polling (a thread or two)
     * @param workers   issuance itself: ACME orders, key generation, disk; as many at once as it has threads
     */
    public CertificateManager(GatehouseConfig config, CertificateStore storage, CertificateSink registry,
                              AcmeIssuer acme, ScheduledExecutorService scheduler, ExecutorService workers,
                              Clock clock) {
        this.config = config;
        this.storage = storage;
        this.registry = registry;
        this.acme = acme;
        this.scheduler = scheduler;
        this.work = new WorkSchedule(scheduler, workers, clock);
        this.clock = clock;
        this.pacing = new OrderPacing(clock);
        this.alerts = new CertificateAlerts(() -> this.config.notifications(), new Webhook(scheduler), clock);
    }

    /**
     * Puts a certificate in place for every site that can have one at once: user files, local CA certificates, and
     * ACME certificates already in storage. Blocking (disk, key generation): call it before serving, not on an
     * event loop. Errors with one site are logged and do not stop the others.
     */
    public void loadAll() throws StorageException, InterruptedException {
        storage.open();
        for (ManagedCertificate certificate : ManagedCertificate.of(config)) {
            loadLogged(certificate);
        }
        config.defaultSite().filter(registry.names()::contains).ifPresent(registry::setDefault);
    }

    private void loadLogged(ManagedCertificate certificate) {
        try {
            load(certificate);
        } catch (Exception e) {
            log.error("tls name={} cannot serve a certificate: {}", certificate.id(), e.getMessage());
        }
    }

    private void load(ManagedCertificate certificate) throws Exception {
        switch (certificate.source()) {
            case FILES -> serveFiles(certificate);
            case LOCAL -> serveLocal(certificate);
            case ACME -> {
                Optional<CertifiedKey> stored = storage.loadCertificate(certificate.id());
                if (stored.isPresent()) {
                    serve(certificate, stored.get());
                }
                Optional<String> problem = wildcardProblem(certificate);
                if (problem.isPresent()) {
                    String what = stored.isPresent() ? "the stored certificate is served but cannot be renewed"
                            : "no certificate to serve";
                    log.error("tls name={} {}: {}", certificate.id(), what, problem.get());
                    // Said in `gatehouse certs` and GET /certificates too, not only in the log.
                    CertificateMeta meta = storage.loadMeta(certificate.id())
                            .orElse(CertificateMeta.of(CertificateMeta.Source.ACME));
                    if (!meta.lastError().equals(Optional.of(problem.get()))) {
                        storage.saveMeta(certificate.id(), meta.withFailure(problem.get(), clock.instant()));
                    }
                }
            }
        }
    }

    /** Serves {@code certificate} under every name of the site it carries (a stored one may lack a new alias). */
    private void serve(ManagedCertificate managed, CertifiedKey certificate) throws javax.net.ssl.SSLException {
        for (String name : managed.names()) {
            if (Names.covers(certificate.names(), name)) {
                registry.put(name, certificate);
            }
        }
        served.put(managed.id(), certificate);
    }

    private void serveFiles(ManagedCertificate managed) throws Exception {
        SiteTls.Files files = (SiteTls.Files) config.sites().get(managed.site()).tls();
        FileCertificate file = new FileCertificate(files.cert(), files.key());
        CertifiedKey loaded = file.load();
        for (String name : managed.names()) {
            registry.put(name, loaded);
        }
        closeWatch(managed.id());
        watches.put(managed.id(), file.watch(scheduler, FileCertificate.DEFAULT_POLL_INTERVAL, reloaded -> {
            try {
                for (String name : managed.names()) {
                    registry.put(name, reloaded);
                }
                log.info("tls name={} reloaded {}", managed.site(), files.cert());
            } catch (Exception e) {
                log.error("tls name={} reloaded files unusable, keeping the old ones: {}", managed.site(),
                        e.getMessage());
            }
        }));
    }

    /** Starts issuing and renewing ACME certificates (call once the listeners that answer challenges are bound). */
    public void start() {
        started = true;
        for (ManagedCertificate certificate : ManagedCertificate.of(config)) {
            scheduleAcmeIfOrderable(certificate);
        }
        scheduler.scheduleWithFixedDelay(this::pollRenewRequests, RENEW_REQUEST_POLL.toMillis(),
                RENEW_REQUEST_POLL.toMillis(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::checkExpiry, 0, EXPIRY_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        storage.onCertificateChange(this::storedElsewhere);
    }

    /** Expired certificates, and ones in their last stretch while renewal fails, are told once (notify:). */
    private void checkExpiry() {
        try {
            for (ManagedCertificate certificate : ManagedCertificate.of(config)) {
                CertifiedKey current = served.get(certificate.id());
                if (current != null) {
                    alerts.check(certificate, current);
                }
            }
        } catch (Throwable t) { // a periodic task that throws is never run again
            log.warn("tls expiry check failed: {}", t.toString());
        }
    }

    /** Why ACME cannot get this certificate whatever the listeners: a wildcard without a DNS provider. */
    private Optional<String> wildcardProblem(ManagedCertificate certificate) {
        return certificate.acmeProblem(config.acme());
    }

    /** {@link #wildcardProblem(ManagedCertificate)} for a site: its first certificate that has one. */
    static Optional<String> wildcardProblem(GatehouseConfig config, Site site) {
        return ManagedCertificate.of(site).stream().map(c -> c.acmeProblem(config.acme()))
                .flatMap(Optional::stream).findFirst();
    }

    private void scheduleAcmeIfOrderable(ManagedCertificate certificate) {
        if (certificate.source() == CertificateSource.ACME && wildcardProblem(certificate).isEmpty()) {
            scheduleAcme(certificate, nextAcmeAttempt(certificate), false);
        }
    }

    /**
     * Takes a reloaded config's sites: sites new to it (or whose names, key types or {@code tls:} changed) get their
     * certificates as at start (files, local CA at once; ACME scheduled now), removed ones are no longer served or
     * renewed (what storage holds for them stays). Names that stay are served throughout. Blocking (disk, key
     * generation): call it off the event loop. Errors with one site are logged and do not stop the others.
     */
    public synchronized void update(GatehouseConfig next) {
        Map<String, Site> before = config.sites();
        config = next;
        for (Site old : before.values()) {
            Site now = next.sites().get(old.host());
            if (now == null || !sameCertificates(old, now)) {
                forget(old, Optional.ofNullable(now));
            }
        }
        for (Site site : next.sites().values()) {
            Site old = before.get(site.host());
            if (old != null && sameCertificates(old, site)) {
                continue;
            }
            for (ManagedCertificate certificate : ManagedCertificate.of(site)) {
                loadLogged(certificate);
                if (started) {
                    scheduleAcmeIfOrderable(certificate);
                }
            }
        }
        Optional<String> defaultName = next.defaultSite().filter(registry.names()::contains);
        if (defaultName.isPresent()) {
            registry.setDefault(defaultName.get());
        } else {
            registry.clearDefault();
        }
    }

    private static boolean sameCertificates(Site a, Site b) {
        return a.tls().equals(b.tls()) && ManagedCertificate.of(a).equals(ManagedCertificate.of(b));
    }

    /**
     * A site left the config, or changed its names, key types or where its certificate comes from: its work stops,
     * and names it no longer has stop being served. Names it keeps go on being served until the new certificates
     * replace them, unless a key type was dropped (then they are put again from scratch).
     */
    private void forget(Site old, Optional<Site> now) {
        for (ManagedCertificate certificate : ManagedCertificate.of(old)) {
            work.cancel(certificate.id());
            served.remove(certificate.id());
            closeWatch(certificate.id());
            failures.remove(certificate.id());
        }
        Set<String> kept = new HashSet<>(now.map(Site::names).orElse(List.of()));
        boolean typesDropped = now.isEmpty() || !now.get().keyTypes().containsAll(old.keyTypes())
                || !now.get().tls().equals(old.tls());
        for (String name : old.names()) {
            if (!kept.contains(name) || typesDropped) {
                registry.remove(name);
            }
        }
        log.info("tls name={} {}", old.host(), now.isEmpty()
                ? "no longer in the config: not served or renewed (stored files kept)"
                : "names, key types or tls changed: certificates planned again");
    }

    private void closeWatch(String id) {
        FileCertificate.Watch w = watches.remove(id);
        if (w != null) {
            try {
                w.close();
            } catch (Exception e) {
                log.debug("tls closing a file watch: {}", e.toString());
            }
        }
    }

    /** Forces a renewal of {@code name}'s certificates now (ACME or local CA); {@code name} is a site or alias. */
    public void renew(String name) {
        Optional<Site> site = siteNamed(name);
        if (site.isEmpty()) {
            return;
        }
        for (ManagedCertificate certificate : ManagedCertificate.of(site.get())) {
            if (certificate.source() == CertificateSource.LOCAL) {
                work.runNow(certificate.id(), () -> issueLocal(certificate));
            } else if (certificate.source() == CertificateSource.ACME) {
                scheduleAcme(certificate, clock.instant(), true);
            }
        }
    }

    private Optional<Site> siteNamed(String name) {
        return config.sites().values().stream().filter(s -> s.names().contains(name)).findFirst();
    }

    /** Serves what storage holds for an ACME site now (after an import) and plans its renewal from there. */
    private void reloadStored(String name) throws StorageException {
        Optional<Site> site = siteNamed(name).filter(s -> s.host().equals(name));
        if (site.isEmpty()) {
            return;
        }
        for (ManagedCertificate certificate : ManagedCertificate.of(site.get())) {
            Optional<CertifiedKey> stored = certificate.source() == CertificateSource.ACME
                    ? storage.loadCertificate(certificate.id()) : Optional.empty();
            if (stored.isEmpty()) {
                continue;
            }
            try {
                serve(certificate, stored.get());
            } catch (javax.net.ssl.SSLException e) {
                log.error("tls name={} stored certificate unusable: {}", certificate.id(), e.getMessage());
                continue;
            }
            log.info("tls name={} serving the stored certificate, valid until {}", certificate.id(),
                    stored.get().notAfter());
            scheduleAcmeIfOrderable(certificate);
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

    private void serveLocal(ManagedCertificate certificate) throws Exception {
        Optional<CertifiedKey> stored = storage.loadCertificate(certificate.id());
        Optional<CertificateMeta> meta = storage.loadMeta(certificate.id());
        boolean usable = stored.isPresent() && certificate.isCoveredBy(stored.get())
                && meta.map(m -> m.source() == CertificateMeta.Source.INTERNAL).orElse(false)
                && renewalPolicy.nextRenewal(stored.get().leaf(), Optional.empty(), random).isAfter(clock.instant());
        if (usable) {
            serve(certificate, stored.get());
            scheduleLocal(certificate, stored.get());
        } else {
            issueLocal(certificate);
        }
    }

    private void issueLocal(ManagedCertificate certificate) throws Exception {
        CertifiedKey issued = localCa().issue(localNames(certificate.names()), certificate.keyType());
        Instant next = renewalPolicy.nextRenewal(issued.leaf(), Optional.empty(), random);
        storage.saveCertificate(certificate.id(), issued);
        serve(certificate, issued);
        storage.saveMeta(certificate.id(), CertificateMeta.issued(CertificateMeta.Source.INTERNAL, issued,
                clock.instant()).withNextRenewal(next));
        scheduleLocal(certificate, issued);
        log.info("tls name={} issued by the local CA, valid until {}", certificate.id(), issued.notAfter());
    }

    /** {@code localhost} also answers as the loopback addresses, so https://127.0.0.1 validates too. */
    static List<String> localNames(List<String> names) {
        Set<String> out = new java.util.LinkedHashSet<>(names);
        if (names.contains("localhost")) {
            out.addAll(List.of("127.0.0.1", "::1"));
        }
        return List.copyOf(out);
    }

    private void scheduleLocal(ManagedCertificate certificate, CertifiedKey issued) {
        Instant next = renewalPolicy.nextRenewal(issued.leaf(), Optional.empty(), random);
        if (config.sites().containsKey(certificate.site())) {
            work.schedule(certificate.id(), next, () -> issueLocal(certificate));
        }
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

    private Instant nextAcmeAttempt(ManagedCertificate certificate) {
        try {
            Optional<CertifiedKey> stored = storage.loadCertificate(certificate.id());
            if (stored.isEmpty() || !certificate.isCoveredBy(stored.get())) {
                return clock.instant();
            }
            if (!stored.get().notAfter().isAfter(clock.instant())) {
                log.info("tls name={} the stored certificate expired {}: renewing now", certificate.id(),
                        stored.get().notAfter());
                return clock.instant();
            }
            Optional<Instant> planned = storage.loadMeta(certificate.id()).flatMap(CertificateMeta::nextRenewal);
            return beforeExpiry(certificate, stored.get(), planned.orElseGet(
                    () -> renewalPolicy.nextRenewal(stored.get().leaf(), Optional.empty(), random)));
        } catch (StorageException e) {
            log.warn("tls name={} stored certificate unreadable, ordering a new one: {}", certificate.id(),
                    e.getMessage());
            return clock.instant();
        }
    }

    /**
     * {@code planned}, or the expiry of the certificate in place when that comes first: a plan made earlier (a long
     * backoff after failures, another process's meta) never leaves a certificate to expire while it waits. One that
     * has expired already keeps {@code planned} (a failing CA is not asked again at once, over and over).
     */
    private Instant beforeExpiry(ManagedCertificate certificate, CertifiedKey inPlace, Instant planned) {
        Instant expiry = inPlace.notAfter();
        if (planned.isAfter(expiry) && expiry.isAfter(clock.instant())) {
            log.info("tls name={} expires {}, before its planned renewal {}: renewal moved there", certificate.id(),
                    expiry, planned);
            return expiry;
        }
        return planned;
    }

    private void scheduleAcme(ManagedCertificate certificate, Instant at, boolean forced) {
        if (config.sites().containsKey(certificate.site())) { // a reload may have removed it while this ran
            work.schedule(certificate.id(), at, () -> issueAcme(certificate, forced));
        }
    }

    private void issueAcme(ManagedCertificate certificate, boolean forced) throws Exception {
        String id = certificate.id();
        try (Storage.Lock lock = storage.lock(id)) {
            // Another process sharing this storage may have renewed it while we waited for the lock.
            Optional<CertifiedKey> stored = storage.loadCertificate(id);
            boolean fits = stored.isPresent() && certificate.isCoveredBy(stored.get());
            Optional<Instant> planned = storage.loadMeta(id).filter(m -> m.lastError().isEmpty())
                    .flatMap(CertificateMeta::nextRenewal);
            boolean expired = fits && !stored.get().notAfter().isAfter(clock.instant());
            if (!forced && fits && !expired && planned.isPresent() && planned.get().isAfter(clock.instant())) {
                serve(certificate, stored.get());
                scheduleAcme(certificate, beforeExpiry(certificate, stored.get(), planned.get()), false);
                return;
            }
            if (!forced && fits && !expired && deferredByAri(certificate, stored.get())) {
                return;
            }
            Optional<Instant> held = pacing.heldUntil();
            if (held.isPresent()) { // the CA said "too many" a moment ago: no new order before the time it gave
                scheduleAcme(certificate, held.get(), forced);
                return;
            }
            KeyPair key = KeyPairs.generate(certificate.keyType());
            acmeOrders.incrementAndGet();
            // A renewal names what it replaces (ARI), only when that is this CA's certificate for these names.
            Optional<java.security.cert.X509Certificate> replaces = fits ? Optional.of(stored.get().leaf())
                    : Optional.empty();
            Issued issued = acme.issue(certificate.names(), key, certificate.dns(), replaces);
            CertifiedKey fresh = new CertifiedKey(issued.chain(), key.getPrivate());
            Instant next = renewalPolicy.nextRenewal(issued.leaf(), issued.renewalInfo(), random);
            storage.saveCertificate(id, fresh, lock); // refused if the lock was lost while the CA worked
            serve(certificate, fresh);
            storage.saveMeta(id, CertificateMeta.issued(CertificateMeta.Source.ACME, fresh, clock.instant())
                    .withDirectory(issued.directory()).withNextRenewal(next));
            failures.remove(id);
            alerts.succeeded(certificate, fresh);
            scheduleAcme(certificate, next, false);
            log.info("tls name={} certificate from {} valid until {}, renewal planned {}", id, issued.directory(),
                    fresh.notAfter(), next);
        } catch (AcmeIssueException e) {
            acmeFailed(certificate, e);
        } catch (StorageException e) {
            storageFailed(certificate, e, forced);
        }
    }

    /**
     * Due by our own rule: the CA may still say "later" through its renewal information (RFC 9773), e.g. to spread
     * its load; then the renewal moves to a random time inside its window. CAs without ARI change nothing.
     */
    private boolean deferredByAri(ManagedCertificate certificate, CertifiedKey stored) throws StorageException {
        String id = certificate.id();
        Optional<CertificateMeta> meta = storage.loadMeta(id);
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
            storage.saveMeta(id, meta.get().withNextRenewal(next));
            scheduleAcme(certificate, next, false);
            log.info("tls name={} the CA's renewal window starts {}: renewal moved to {}", id, window.get().start(),
                    next);
            return true;
        } catch (AcmeIssueException e) {
            log.debug("tls name={} no renewal information from {}: {}", id, directory.get(), e.getMessage());
            return false;
        }
    }

    private void acmeFailed(ManagedCertificate certificate, AcmeIssueException e) throws StorageException {
        String id = certificate.id();
        acmeFailures.incrementAndGet();
        if (pacing.learn(e)) {
            log.warn("tls the CA asks for fewer orders: no new order before {}", pacing.heldUntil()
                    .map(Instant::toString).orElse("now"));
        }
        int count = failures.merge(id, 1, Integer::sum);
        Instant now = clock.instant();
        Instant backedOff = backoff.nextAttempt(count, now, e.retryAfter(), random);
        CertifiedKey inPlace = served.get(id);
        // Never before the CA's Retry-After, even when the certificate expires first.
        Instant retry = inPlace == null || e.retryAfter().filter(t -> t.isAfter(inPlace.notAfter())).isPresent()
                ? backedOff : beforeExpiry(certificate, inPlace, backedOff);
        CertificateMeta meta = storage.loadMeta(id).orElse(CertificateMeta.of(CertificateMeta.Source.ACME));
        storage.saveMeta(id, meta.withFailure(e.getMessage(), now).withNextRenewal(retry));
        log.error("tls name={} ACME order failed (attempt {}), {}, retry at {}: {}", id, count,
                registry.names().contains(certificate.site()) ? "keeping the current certificate"
                        : "no certificate to serve yet", retry, e.getMessage());
        alerts.failed(certificate, e.getMessage(), count, retry, Optional.ofNullable(served.get(id)));
        scheduleAcme(certificate, retry, false);
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

    // ---- shared storage

    /**
     * Storage did not answer (Redis away in a cluster) or the lock stayed busy: nothing was ordered. Retried after
     * {@link #STORAGE_RETRY}, with the certificate in place served meanwhile: ordering without the lock could make
     * every node order the same name.
     */
    private void storageFailed(ManagedCertificate certificate, StorageException e, boolean forced) {
        Instant retry = clock.instant().plus(STORAGE_RETRY);
        log.warn("tls name={} renewal deferred, {}, retry at {}: {}", certificate.id(),
                served.containsKey(certificate.id()) ? "keeping the current certificate" : "no certificate to serve yet",
                retry, e.getMessage());
        scheduleAcme(certificate, retry, forced); // a renewal asked for is still owed
    }

    /** Another process stored a certificate (shared storage): served here too when it is newer than ours. */
    private void storedElsewhere(String fileName) {
        for (ManagedCertificate certificate : ManagedCertificate.of(config)) {
            if (certificate.source() == CertificateSource.ACME
                    && CertificateStore.fileName(certificate.id()).equals(fileName)) {
                work.runNow(certificate.id(), () -> pickUpStored(certificate));
            }
        }
    }

    private void pickUpStored(ManagedCertificate certificate) throws Exception {
        Optional<CertifiedKey> stored = storage.loadCertificate(certificate.id());
        CertifiedKey current = served.get(certificate.id());
        if (stored.isEmpty() || !certificate.isCoveredBy(stored.get()) || (current != null
                && (current.leaf().getSerialNumber().equals(stored.get().leaf().getSerialNumber())
                || !stored.get().notAfter().isAfter(current.notAfter())))) {
            return;
        }
        serve(certificate, stored.get());
        failures.remove(certificate.id());
        Optional<Instant> planned = storage.loadMeta(certificate.id()).flatMap(CertificateMeta::nextRenewal);
        scheduleAcme(certificate, planned.orElseGet(() -> renewalPolicy.nextRenewal(stored.get().leaf(),
                Optional.empty(), random)), false);
        log.info("tls name={} serving the certificate stored by another node, valid until {}", certificate.id(),
                stored.get().notAfter());
    }

    /** The certificates the running config asks for, by storage name (for the inventory). */
    public Map<String, ManagedCertificate> certificates() {
        Map<String, ManagedCertificate> out = new LinkedHashMap<>();
        ManagedCertificate.of(config).forEach(c -> out.put(c.id(), c));
        return out;
    }

    @Override
    public void close() {
        work.close();
        for (String id : List.copyOf(watches.keySet())) {
            closeWatch(id);
        }
    }
}
