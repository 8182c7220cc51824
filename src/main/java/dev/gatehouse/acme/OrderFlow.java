package dev.gatehouse.acme;

import dev.gatehouse.acme.AcmeIssueException.Problem;
import dev.gatehouse.acme.AcmeIssueException.Step;
import dev.gatehouse.acme.dns.DnsChallenges;
import dev.gatehouse.acme.dns.DnsException;
import dev.gatehouse.config.AcmeSettings.ChallengeType;
import dev.gatehouse.config.AcmeSettings.Eab;
import dev.gatehouse.config.DnsSettings;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.PollableResource;
import org.shredzone.acme4j.RenewalInfo;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.connector.Resource;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeRetryAfterException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One order at one CA directory, in the order of RFC 8555 §7: directory → account → newOrder → authorizations
 * (choose, publish and trigger a challenge, poll) → finalize with a CSR → download the chain.
 * Every failure leaves as an {@link AcmeIssueException} naming the step; published challenge answers are always
 * withdrawn. Blocking: runs on the issuing executor.
 */
final class OrderFlow {
    private static final Logger log = LoggerFactory.getLogger(AcmeIssuer.class);
    /** The account-does-not-exist error (RFC 8555 §7.3.1) that {@code onlyExisting} lookups answer. */
    private static final URI ACCOUNT_DOES_NOT_EXIST = URI.create("urn:ietf:params:acme:error:accountDoesNotExist");
    /** RFC 8555 section 6.7: the CA's rate limit; retried after its Retry-After, never without the limit. */
    static final URI RATE_LIMITED = URI.create("urn:ietf:params:acme:error:rateLimited");
    /** P-256 for account keys: small, fast, accepted by every CA. */
    private static final String CURVE = "secp256r1";

    private final AcmeIssuer.Context context;
    private final URI directory;
    private final List<String> names;
    private final String nameList;
    private Optional<ChallengeType> challenge = Optional.empty();
    private Optional<X509Certificate> replaces = Optional.empty();

    OrderFlow(AcmeIssuer.Context context, URI directory, List<String> names) {
        this.context = context;
        this.directory = directory;
        this.names = names;
        this.nameList = String.join(",", names);
    }

    /** The certificate this order renews, named in the order when the CA offers ARI (RFC 9773 section 5). */
    OrderFlow replacing(Optional<X509Certificate> certificate) {
        this.replaces = certificate;
        return this;
    }

    Issued issue(KeyPair certificateKey) throws AcmeIssueException, InterruptedException {
        Session session = openDirectory();
        Login login = login(session);
        Order order = newOrder(session, login);
        log.debug("acme name={} ca={} order={} created", nameList, directory, order.getLocation());
        List<Authorization> viaDns = new ArrayList<>();
        for (Authorization authorization : call(Step.ORDER, order::getAuthorizations)) {
            authorize(authorization, viaDns);
        }
        if (!viaDns.isEmpty()) {
            authorizeByDns(viaDns);
        }
        challenge = Optional.empty(); // later failures are no challenge's fault
        await(Step.FINALIZE, order, Set.of(Status.READY, Status.VALID), "order");
        call(Step.FINALIZE, () -> {
            order.execute(certificateKey);
            return null;
        });
        await(Step.FINALIZE, order, Set.of(Status.VALID), "order");
        Certificate certificate = order.getCertificate();
        call(Step.DOWNLOAD, () -> {
            certificate.download();
            return null;
        });
        List<X509Certificate> chain = certificate.getCertificateChain();
        URI account = call(Step.DOWNLOAD, () -> login.getAccountLocation().toURI());
        return new Issued(chain, directory, account, chain.get(0).getIssuerX500Principal().getName(), renewalWindow(certificate));
    }

    /**
     * newOrder, with {@code replaces} when renewing at a CA that offers ARI. A CA may refuse the link (the old
     * certificate came from another CA or account, or was replaced already): the order is then placed without it,
     * since the renewal matters more than the link. A rate limit is no such refusal and stops here.
     */
    private Order newOrder(Session session, Login login) throws AcmeIssueException {
        boolean ari = replaces.isPresent() && call(Step.ORDER,
                () -> session.resourceUrlOptional(Resource.RENEWAL_INFO).isPresent());
        if (ari) {
            try {
                return call(Step.ORDER, () -> login.newOrder().domains(names).replaces(replaces.get()).create());
            } catch (AcmeIssueException e) {
                if (e.problem().map(p -> p.type().equals(RATE_LIMITED)).orElse(false)) {
                    throw e;
                }
                log.info("acme name={} ca={} order replacing the current certificate refused ({}), ordering anew",
                        nameList, directory, e.getMessage());
            }
        }
        return call(Step.ORDER, () -> login.newOrder().domains(names).create());
    }

    /** The CA's ARI window for a certificate it issued; empty when the CA does not offer ARI or has no account for us. */
    Optional<RenewalWindow> renewalWindow(X509Certificate cert) throws AcmeIssueException {
        Session session = openDirectory();
        Optional<KeyPair> key = call(Step.ACCOUNT, () -> loadAccountKey());
        if (key.isEmpty()) {
            return Optional.empty();
        }
        return call(Step.DOWNLOAD, () -> {
            if (session.resourceUrlOptional(Resource.RENEWAL_INFO).isEmpty()) {
                return Optional.<RenewalWindow>empty();
            }
            Login login = new AccountBuilder().onlyExisting().useKeyPair(key.get()).createLogin(session);
            return Optional.of(window(login.bindRenewalInfo(cert)));
        });
    }

    private Session openDirectory() throws AcmeIssueException {
        return call(Step.DIRECTORY, () -> {
            Session session = context.sessions().open(directory);
            session.getMetadata(); // fetches the directory: a CA that is down fails here, before any key is made
            return session;
        });
    }

    private Login login(Session session) throws AcmeIssueException {
        return call(Step.ACCOUNT, () -> {
            Optional<KeyPair> existing = loadAccountKey();
            if (existing.isPresent()) {
                try {
                    // No contact or EAB again: some CAs accept an EAB key only once.
                    return new AccountBuilder().onlyExisting().useKeyPair(existing.get()).createLogin(session);
                } catch (AcmeServerException e) {
                    if (!ACCOUNT_DOES_NOT_EXIST.equals(e.getType())) {
                        throw e;
                    }
                    log.info("acme ca={} account key known but no account there (CA reset?): registering it", directory);
                }
            }
            KeyPair key = existing.isPresent() ? existing.get() : loadOrCreateAccountKey();
            AccountBuilder builder = new AccountBuilder().agreeToTermsOfService().useKeyPair(key);
            context.email().ifPresent(builder::addEmail);
            Optional<Eab> eab = context.settings().eab();
            eab.ifPresent(e -> builder.withKeyIdentifier(e.keyId(), e.hmacKey()));
            Login login = builder.createLogin(session);
            log.info("acme ca={} account={} registered{}", directory, login.getAccountLocation(),
                    eab.isPresent() ? " with external account binding" : "");
            return login;
        });
    }

    /**
     * The account key, made and saved (before registering: a crash must not orphan an account) when there is none.
     * One at a time: orders for several names start together on a fresh install, and each making its own key would
     * register one account per order and keep only the last key. Registering a key that another order registered
     * meanwhile is harmless: the CA answers with the existing account (RFC 8555 §7.3.1).
     */
    private KeyPair loadOrCreateAccountKey() throws AcmeException, IOException {
        synchronized (context.accountKeys()) {
            Optional<KeyPair> existing = loadAccountKey();
            if (existing.isPresent()) {
                return existing.get();
            }
            KeyPair key = p256();
            context.accountKeys().save(directory, key);
            return key;
        }
    }

    private Optional<KeyPair> loadAccountKey() throws AcmeException {
        try {
            return context.accountKeys().load(directory);
        } catch (IOException e) {
            throw new AcmeException("account key for " + directory + " unreadable: " + e.getMessage(), e);
        }
    }

    /** Answers one authorization over a listener at once; DNS-01 ones are collected for {@link #authorizeByDns}. */
    private void authorize(Authorization authorization, List<Authorization> viaDns)
            throws AcmeIssueException, InterruptedException {
        if (authorization.getStatus() == Status.VALID) {
            return; // the CA still remembers an earlier validation (authorization reuse)
        }
        String name = authorization.getIdentifier().getDomain();
        ChallengeType type = choose(authorization, name);
        challenge = Optional.of(type);
        switch (type) {
            case DNS_01 -> viaDns.add(authorization);
            case HTTP_01 -> {
                Http01Challenge http = authorization.findChallenge(Http01Challenge.class).orElseThrow();
                context.responder().addHttp01(http.getToken(), http.getAuthorization());
                try {
                    validate(name, http, authorization);
                } finally {
                    context.responder().removeHttp01(http.getToken());
                }
            }
            case TLS_ALPN_01 -> {
                TlsAlpn01Challenge alpn = authorization.findChallenge(TlsAlpn01Challenge.class).orElseThrow();
                KeyPair key = challengeKey();
                X509Certificate cert = call(Step.CHALLENGE, () -> alpn.createCertificate(key, authorization.getIdentifier()));
                context.responder().addTlsAlpn01(name, cert, key);
                try {
                    validate(name, alpn, authorization);
                } finally {
                    context.responder().removeTlsAlpn01(name);
                }
            }
        }
    }

    /** See {@link ChallengePlan}. */
    private ChallengeType choose(Authorization authorization, String name) throws AcmeIssueException {
        List<String> offered = authorization.getChallenges().stream().map(Challenge::getType).toList();
        try {
            return context.plan().choose(name, authorization.isWildcard(), offered, context.responder().available());
        } catch (ChallengePlan.NoChallenge e) {
            if (challenge.isEmpty()) {
                challenge = context.settings().challenge(); // a pinned type the CA does not offer: say which
            }
            throw failure(Step.CHALLENGE, e.getMessage());
        }
    }

    /**
     * All DNS-01 authorizations of the order together: publish every TXT value (a wildcard and its apex put two at
     * one name), wait until the nameservers serve them all, then ask the CA to validate each. Publishing them one by
     * one would let a CA resolver cache the name with only the first value. The values are removed in any case.
     */
    private void authorizeByDns(List<Authorization> authorizations) throws AcmeIssueException, InterruptedException {
        challenge = Optional.of(ChallengeType.DNS_01);
        DnsSettings settings = context.plan().dns().orElseThrow();
        List<Dns01Challenge> challenges = new ArrayList<>();
        List<DnsChallenges.Wanted> wanted = new ArrayList<>();
        for (Authorization authorization : authorizations) {
            Dns01Challenge dns = authorization.findChallenge(Dns01Challenge.class).orElseThrow();
            challenges.add(dns);
            wanted.add(new DnsChallenges.Wanted(authorization.getIdentifier().getDomain(),
                    Dns01Challenge.toRRName(authorization.getIdentifier()), dns.getDigest()));
        }
        try (DnsChallenges.Published published = dns(() -> context.dnsChallenges().publish(settings, wanted))) {
            dns(() -> {
                published.awaitPropagation();
                return null;
            });
            for (int i = 0; i < authorizations.size(); i++) {
                trigger(displayName(authorizations.get(i)), challenges.get(i));
            }
            for (int i = 0; i < authorizations.size(); i++) {
                awaitValid(displayName(authorizations.get(i)), challenges.get(i), authorizations.get(i));
            }
        }
    }

    private static String displayName(Authorization authorization) {
        return (authorization.isWildcard() ? "*." : "") + authorization.getIdentifier().getDomain();
    }

    /** A DNS step that may fail; its exception becomes a challenge failure whose message names zone, server, step. */
    private interface DnsCall<T> {
        T run() throws DnsException, InterruptedException;
    }

    private <T> T dns(DnsCall<T> call) throws AcmeIssueException, InterruptedException {
        try {
            return call.run();
        } catch (DnsException e) {
            throw failure(Step.CHALLENGE, Optional.empty(), Optional.empty(), e.getMessage(), e);
        }
    }

    private void validate(String name, Challenge challenge, Authorization authorization)
            throws AcmeIssueException, InterruptedException {
        trigger(name, challenge);
        awaitValid(name, challenge, authorization);
    }

    /** Tells the CA that the answer is in place (RFC 8555 §7.5.1). */
    private void trigger(String name, Challenge challenge) throws AcmeIssueException {
        log.info("acme name={} ca={} challenge={} validating", name, directory, challenge.getType());
        call(Step.CHALLENGE, () -> {
            challenge.trigger();
            return null;
        });
    }

    private void awaitValid(String name, Challenge challenge, Authorization authorization)
            throws AcmeIssueException, InterruptedException {
        Status status = await(Step.CHALLENGE, challenge, Set.of(Status.VALID, Status.INVALID), "challenge");
        if (status == Status.INVALID) {
            throw failure(Step.CHALLENGE, challenge.getError().map(OrderFlow::problem), Optional.empty(),
                    "the CA could not validate " + name, null);
        }
        status = await(Step.CHALLENGE, authorization, Set.of(Status.VALID, Status.INVALID), "authorization");
        if (status == Status.INVALID) {
            throw failure(Step.CHALLENGE, "authorization for " + name + " is invalid");
        }
        log.info("acme name={} ca={} challenge={} valid", name, directory, challenge.getType());
    }

    private Status await(Step step, PollableResource resource, Set<Status> wanted, String what)
            throws AcmeIssueException, InterruptedException {
        Duration budget = step == Step.CHALLENGE ? context.timeouts().validation() : context.timeouts().finalization();
        Set<Status> done = new HashSet<>(wanted);
        done.add(Status.INVALID);
        try {
            Status status = Polling.until(resource, done, budget);
            if (status == Status.INVALID && !wanted.contains(Status.INVALID) && resource instanceof Order order) {
                throw failure(step, order.getError().map(OrderFlow::problem), Optional.empty(), "order is invalid", null);
            }
            return status;
        } catch (AcmeException e) {
            throw failure(step, e);
        } catch (Polling.TimedOut e) {
            throw failure(step, Optional.empty(), Optional.empty(), what + " " + e.getMessage(), e);
        }
    }

    private static Optional<RenewalWindow> renewalWindow(Certificate certificate) {
        try {
            return certificate.hasRenewalInfo() ? Optional.of(window(certificate.getRenewalInfo())) : Optional.empty();
        } catch (RuntimeException e) {
            // ARI is advice: the one-third rule still applies without it.
            log.warn("acme ca={} renewal info unreadable: {}", certificate.getLocation(), e.toString());
            return Optional.empty();
        }
    }

    /** JDK provider on purpose: acme4j's KeyPairUtils wants BouncyCastle registered globally, which we avoid. */
    private static KeyPair p256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(CURVE));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC " + CURVE + " unavailable in this JDK", e);
        }
    }

    /**
     * acme4j signs the TLS-ALPN-01 certificate with SHA256withRSA whatever the key, so this key is RSA; it lives
     * only for one validation (RFC 8737 puts no constraint on its type).
     */
    private static KeyPair challengeKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA unavailable in this JDK", e);
        }
    }

    private static RenewalWindow window(RenewalInfo info) {
        return new RenewalWindow(info.getSuggestedWindowStart(), info.getSuggestedWindowEnd());
    }

    /** An acme4j call that may fail; its exception becomes ours, typed with the step. */
    private interface AcmeCall<T> {
        T run() throws Exception;
    }

    private <T> T call(Step step, AcmeCall<T> call) throws AcmeIssueException {
        try {
            return call.run();
        } catch (AcmeException e) {
            throw failure(step, e);
        } catch (Exception e) {
            throw failure(step, Optional.empty(), Optional.empty(), e.toString(), e);
        }
    }

    private AcmeIssueException failure(Step step, AcmeException e) {
        Optional<Problem> problem = e instanceof AcmeServerException server ? Optional.of(problem(server.getProblem())) : Optional.empty();
        Optional<Instant> retryAfter = e instanceof AcmeRateLimitedException limited ? limited.getRetryAfter()
                : e instanceof AcmeRetryAfterException later ? Optional.of(later.getRetryAfter()) : Optional.empty();
        String message = problem.isPresent() ? "CA refused"
                : e.getCause() != null ? e.getMessage() + ": " + e.getCause() : String.valueOf(e.getMessage());
        return failure(step, problem, retryAfter, message, e);
    }

    private AcmeIssueException failure(Step step, String message) {
        return failure(step, Optional.empty(), Optional.empty(), message, null);
    }

    private AcmeIssueException failure(Step step, Optional<Problem> problem, Optional<Instant> retryAfter,
                                       String message, Throwable cause) {
        return new AcmeIssueException(names, directory, step, challenge, problem, retryAfter, message, cause);
    }

    private static Problem problem(org.shredzone.acme4j.Problem problem) {
        return new Problem(problem.getType(), problem.getDetail());
    }
}
