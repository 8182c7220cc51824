package dev.gatehouse.acme;

import dev.gatehouse.acme.dns.AcmeDnsAccounts;
import dev.gatehouse.acme.dns.DnsChallenges;
import dev.gatehouse.config.AcmeSettings;
import dev.gatehouse.config.DnsSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Obtains certificates from the configured ACME CAs, trying each directory in order until one issues.
 * Every method blocks (network round trips, polling, key generation): call it from the certificate executor,
 * never from an event loop. Thread-safe; concurrent orders for different names are fine.
 */
public final class AcmeIssuer {
    private static final Logger log = LoggerFactory.getLogger(AcmeIssuer.class);

    /**
     * Time limits of one order at one CA.
     *
     * @param network      connect and read timeout of each request to the CA (default 10 s)
     * @param validation   how long one challenge may take from trigger to valid (default 60 s; Let's Encrypt
     *                     usually needs a few seconds, its multi-perspective validation up to ~30 s)
     * @param finalization how long the CA may take to become ready and to issue after the CSR (default 60 s)
     */
    public record Timeouts(Duration network, Duration validation, Duration finalization) {
        public static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(60));

        public Timeouts {
            requirePositive("network", network);
            requirePositive("validation", validation);
            requirePositive("finalization", finalization);
        }

        private static void requirePositive(String what, Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + ": " + d + " (expected: > 0)");
            }
        }
    }

    /** What an order needs besides its names; shared by the per-directory flows. */
    record Context(AcmeSettings settings, Optional<String> email, AccountKeys accountKeys,
                   ChallengeResponder responder, Timeouts timeouts, AcmeSessions sessions, ChallengePlan plan,
                   DnsChallenges dnsChallenges) {
    }

    private final AcmeSettings settings;
    private final Optional<String> email;
    private final AccountKeys accountKeys;
    private final ChallengeResponder responder;
    private final Timeouts timeouts;
    private final DnsChallenges dnsChallenges;
    private AcmeSessions sessions; // guarded by this; made on the first order (reads the trust file)

    /** With {@link Timeouts#DEFAULTS}; acme-dns registrations are kept in memory only. */
    public AcmeIssuer(AcmeSettings settings, Optional<String> email, AccountKeys accountKeys, ChallengeResponder responder) {
        this(settings, email, accountKeys, responder, Timeouts.DEFAULTS);
    }

    /** acme-dns registrations are kept in memory only. */
    public AcmeIssuer(AcmeSettings settings, Optional<String> email, AccountKeys accountKeys,
                      ChallengeResponder responder, Timeouts timeouts) {
        this(settings, email, accountKeys, responder, timeouts, new DnsChallenges(AcmeDnsAccounts.inMemory()));
    }

    /**
     * @param settings    directories (tried in order), trust for the CA's HTTPS, EAB, pinned challenge type
     * @param email       account contact ({@code email:} of the config), used when an account is created
     * @param accountKeys where account keys are loaded from and saved to, per directory
     * @param responder   publishes challenge answers on the server's listeners
     * @param dnsChallenges publishes DNS-01 answers through the configured DNS providers
     */
    public AcmeIssuer(AcmeSettings settings, Optional<String> email, AccountKeys accountKeys,
                      ChallengeResponder responder, Timeouts timeouts, DnsChallenges dnsChallenges) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.email = Objects.requireNonNull(email, "email");
        this.accountKeys = Objects.requireNonNull(accountKeys, "accountKeys");
        this.responder = Objects.requireNonNull(responder, "responder");
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        this.dnsChallenges = Objects.requireNonNull(dnsChallenges, "dnsChallenges");
        if (settings.directories().isEmpty()) {
            throw new IllegalArgumentException("acme directories: empty (expected: at least one CA directory URL)");
        }
    }

    /**
     * Orders one certificate for {@code names} (its SANs; the first is the one logs name first), trying the
     * configured directories in order.
     *
     * @param certificateKey the key the certificate is for; ECDSA P-256 recommended. The CSR is signed with it.
     * @throws AcmeIssueException   when every directory failed: the first directory's failure, the others suppressed
     * @throws InterruptedException when the executor is shut down mid-order (answers already published are withdrawn)
     */
    public Issued issue(List<String> names, KeyPair certificateKey) throws AcmeIssueException, InterruptedException {
        return issue(names, certificateKey, Optional.empty());
    }

    /**
     * Orders one certificate for {@code names}, validated over DNS-01 with {@code siteDns} when given (a site's own
     * {@code tls: { dns: }}), else as {@link ChallengePlan} decides from {@code acme:}.
     */
    public Issued issue(List<String> names, KeyPair certificateKey, Optional<DnsSettings> siteDns)
            throws AcmeIssueException, InterruptedException {
        return issue(names, certificateKey, siteDns, Optional.empty());
    }

    /**
     * {@link #issue(List, KeyPair, Optional)} for a renewal: the order names the certificate it replaces (ARI, RFC
     * 9773 section 5), so a CA that offers renewal information can exempt it from rate limits and link the two; a CA
     * without ARI gets a plain order.
     */
    public Issued issue(List<String> names, KeyPair certificateKey, Optional<DnsSettings> siteDns,
                        Optional<X509Certificate> replaces) throws AcmeIssueException, InterruptedException {
        List<String> order = normalize(names);
        Objects.requireNonNull(certificateKey, "certificateKey");
        Context context = context(order, ChallengePlan.of(settings, siteDns).forOrder(order));
        requireChallenge(order, context.plan());
        AcmeIssueException first = null;
        for (URI directory : settings.directories()) {
            long started = System.nanoTime();
            log.info("acme name={} ca={} ordering", String.join(",", order), directory);
            try {
                Issued issued = new OrderFlow(context, directory, order).replacing(replaces).issue(certificateKey);
                log.info("acme name={} ca={} issued by \"{}\" in {} ms, valid until {}", String.join(",", order), directory,
                        issued.issuer(), (System.nanoTime() - started) / 1_000_000, issued.leaf().getNotAfter().toInstant());
                return issued;
            } catch (AcmeIssueException e) {
                log.warn("{} (after {} ms)", e.getMessage(), (System.nanoTime() - started) / 1_000_000);
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        throw first;
    }

    /**
     * The renewal window that {@code directory} suggests for {@code cert} (ACME Renewal Information, RFC 9773);
     * empty when that CA offers no ARI or we have no account there. Poll it about twice a day.
     */
    public Optional<RenewalWindow> renewalWindow(X509Certificate cert, URI directory) throws AcmeIssueException {
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(directory, "directory");
        List<String> names = dnsNames(cert);
        return new OrderFlow(context(names, ChallengePlan.of(settings, Optional.empty())), directory, names)
                .renewalWindow(cert);
    }

    /** The sessions of every order: one HTTP client (and its kept-alive connections) for all of them. */
    private synchronized AcmeSessions sessions() throws IOException, GeneralSecurityException {
        if (sessions == null) {
            sessions = AcmeSessions.create(settings.trust(), timeouts.network());
        }
        return sessions;
    }

    /** Fails before any order is placed (orders count against CA rate limits) when no challenge can be answered. */
    private void requireChallenge(List<String> names, ChallengePlan plan) throws AcmeIssueException {
        Optional<String> problem = plan.problem(names, responder.available());
        if (problem.isPresent()) {
            throw new AcmeIssueException(names, settings.directories().get(0), AcmeIssueException.Step.CHALLENGE,
                    settings.challenge(), Optional.empty(), Optional.empty(), problem.get(), null);
        }
    }

    private Context context(List<String> names, ChallengePlan plan) throws AcmeIssueException {
        try {
            return new Context(settings, email, accountKeys, responder, timeouts, sessions(), plan, dnsChallenges);
        } catch (IOException | GeneralSecurityException e) {
            throw new AcmeIssueException(names, settings.directories().get(0), AcmeIssueException.Step.DIRECTORY,
                    Optional.empty(), Optional.empty(), Optional.empty(),
                    "acme trust " + settings.trust().map(Object::toString).orElse("") + " unusable: " + e.getMessage(), e);
        }
    }

    /** The certificate's DNS SANs, for messages; its subject when it has none. */
    private static List<String> dnsNames(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(2).equals(san.get(0))) { // RFC 5280 §4.2.1.6: dNSName [2]
                        names.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // fall back to the subject below
        }
        return names.isEmpty() ? List.of(cert.getSubjectX500Principal().getName()) : List.copyOf(names);
    }

    private static List<String> normalize(List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("names: empty (expected: at least one DNS name)");
        }
        List<String> out = new ArrayList<>(names.size());
        for (String name : names) {
            String n = Objects.requireNonNull(name, "name").trim().toLowerCase(Locale.ROOT);
            if (n.isEmpty()) {
                throw new IllegalArgumentException("names: blank name in " + names + " (expected: DNS names)");
            }
            if (!out.contains(n)) {
                out.add(n);
            }
        }
        return List.copyOf(out);
    }
}
