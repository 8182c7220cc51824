package dev.gatehouse.server;

import dev.gatehouse.acme.AcmeIssuer;
import dev.gatehouse.acme.ChallengeResponder;
import dev.gatehouse.acme.Http01Tokens;
import dev.gatehouse.acme.dns.DnsChallenges;
import dev.gatehouse.config.AcmeSettings.ChallengeType;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.Storage;
import dev.gatehouse.storage.StorageException;
import dev.gatehouse.certificates.CertificateManager;
import dev.gatehouse.tls.CertificateRegistry;
import dev.gatehouse.tls.ChallengeAnswers;
import dev.gatehouse.tls.SslContexts;
import dev.gatehouse.certificates.StoredAccountKeys;
import dev.gatehouse.certificates.StoredAcmeDnsAccounts;
import dev.gatehouse.tls.TlsProvider;

import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Everything HTTPS needs besides the listener: the certificate registry the handshakes read, the HTTP-01 tokens the
 * plain listener serves, and the manager that fills both, on a small pool of its own threads (never an event loop).
 */
final class TlsRuntime implements AutoCloseable {
    /**
     * Certificate work in parallel: orders for this many certificates at once, the rest wait their turn. An order
     * mostly waits on the CA (validation, issuance), so this bounds the load on the CA, not our CPU; the CA's own
     * limits are honoured from its answers (rate-limit problems, Retry-After), not by a fixed pace.
     */
    static final int CERTIFICATE_THREADS = 16;
    /** Timers, file watches, request polling: short tasks only, the work itself goes to the workers. */
    static final int SCHEDULER_THREADS = 1;

    private final ScheduledExecutorService scheduler;
    private final ExecutorService workers;
    private final SslContexts contexts;
    private final CertificateRegistry registry;
    private final Http01Tokens http01;
    private final CertificateManager manager;

    /**
     * @param storage    where certificates live: the storage directory, or in a cluster Redis with a local copy
     * @param challenges this node's challenge answers as the issuer should publish them (in a cluster: on every node)
     */
    TlsRuntime(GatehouseConfig config, Http01Tokens http01, Supplier<Set<ChallengeType>> challengeTypes,
               Storage storage, UnaryOperator<ChallengeResponder> challenges) {
        this.scheduler = new ScheduledThreadPoolExecutor(SCHEDULER_THREADS, daemonThreads("gatehouse-certs-timer-"));
        this.workers = Executors.newFixedThreadPool(CERTIFICATE_THREADS, daemonThreads("gatehouse-certs-"));
        this.contexts = new SslContexts(TlsProvider.detect(), List.of(SslContexts.H2, SslContexts.HTTP_1_1));
        this.registry = new CertificateRegistry(contexts);
        this.http01 = http01;
        CertificateStore certificates = new CertificateStore(storage);
        AcmeIssuer acme = new AcmeIssuer(config.acme(), config.email(), new StoredAccountKeys(certificates),
                challenges.apply(new ChallengeAnswers(http01, registry, challengeTypes)), AcmeIssuer.Timeouts.DEFAULTS,
                new DnsChallenges(new StoredAcmeDnsAccounts(certificates)));
        this.manager = new CertificateManager(config, certificates, registry, acme, scheduler, workers,
                Clock.systemUTC());
    }

    /** Loads or issues what can be served at once (before the HTTPS listener accepts anything). */
    void load() throws StorageException, InterruptedException {
        manager.loadAll();
        contexts.scheduleTicketKeyRotation(scheduler, SslContexts.TICKET_KEY_ROTATION);
    }

    /** Starts ACME issuance and renewals; the listeners that answer challenges are bound by now. */
    void start() {
        manager.start();
    }

    /**
     * A reload's sites: new ones get certificates (local CA and files at once, ACME scheduled), removed ones stop
     * being served and renewed. Blocking: call it off the event loop.
     */
    void update(GatehouseConfig config) {
        manager.update(config);
    }

    CertificateRegistry registry() {
        return registry;
    }

    Http01Tokens http01() {
        return http01;
    }

    CertificateManager manager() {
        return manager;
    }

    static Set<ChallengeType> typesFor(boolean http, boolean https) {
        Set<ChallengeType> types = EnumSet.noneOf(ChallengeType.class);
        if (http) {
            types.add(ChallengeType.HTTP_01);
        }
        if (https) {
            types.add(ChallengeType.TLS_ALPN_01);
        }
        return types;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory base = Executors.defaultThreadFactory();
        return r -> {
            Thread t = base.newThread(r);
            t.setName(prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        manager.close();
        scheduler.shutdownNow();
        workers.shutdownNow();
    }
}
