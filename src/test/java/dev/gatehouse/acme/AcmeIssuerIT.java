package dev.gatehouse.acme;

import dev.gatehouse.acme.AcmeIssueException.Step;
import dev.gatehouse.config.AcmeSettings;
import dev.gatehouse.config.AcmeSettings.ChallengeType;
import dev.gatehouse.config.AcmeSettings.Eab;
import dev.gatehouse.testing.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Issuance against a real pebble that really validates the challenges our loopback responders answer. */
@Timeout(30)
class AcmeIssuerIT {
    private static final AcmeIssuer.Timeouts FAST = new AcmeIssuer.Timeouts(
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10));

    private static ChallengeServers servers;
    private static Pebble pebble;

    @BeforeAll
    static void startCa() throws Exception {
        servers = ChallengeServers.start();
        pebble = Pebble.builder().httpPort(servers.httpPort()).tlsPort(servers.tlsPort()).start();
    }

    @AfterAll
    static void stopCa() throws Exception {
        if (pebble != null) {
            pebble.close();
        }
        if (servers != null) {
            servers.close();
        }
    }

    @Test
    void issuesWithHttp01WhenTheHttpListenerIsOn() throws Exception {
        String name = uniqueName();
        KeyPair key = Pebble.ecKey();
        try (LogCapture log = LogCapture.of("dev.gatehouse.acme")) {
            Issued issued = issuer(settings(List.of(pebble.directory()), Optional.empty()), AccountKeys.inMemory(),
                    servers.responder(ChallengeType.HTTP_01, ChallengeType.TLS_ALPN_01)).issue(List.of(name), key);

            assertIssuedFor(issued, key, name);
            assertThat(issued.directory()).isEqualTo(pebble.directory());
            assertThat(log.lines()).anyMatch(l -> l.startsWith("INFO acme name=" + name + " ca=" + pebble.directory()
                    + " challenge=http-01 valid"));
        }
        assertThat(servers.http01.keyAuthorization("x")).isEmpty();
    }

    @Test
    void issuesWithTlsAlpn01WhenPinned() throws Exception {
        String name = uniqueName();
        KeyPair key = Pebble.ecKey();
        AcmeSettings pinned = settings(List.of(pebble.directory()), Optional.of(ChallengeType.TLS_ALPN_01));
        try (LogCapture log = LogCapture.of("dev.gatehouse.acme")) {
            Issued issued = issuer(pinned, AccountKeys.inMemory(),
                    servers.responder(ChallengeType.HTTP_01, ChallengeType.TLS_ALPN_01)).issue(List.of(name), key);

            assertIssuedFor(issued, key, name);
            assertThat(log.lines()).anyMatch(l -> l.contains("acme name=" + name) && l.contains("challenge=tls-alpn-01 valid"));
        }
        assertThat(servers.tlsAlpn01.lookup(name)).as("challenge certificate withdrawn").isEmpty();
    }

    @Test
    void fallsBackToTlsAlpn01WhenOnlyTheHttpsListenerIsOn() throws Exception {
        String name = uniqueName();
        try (LogCapture log = LogCapture.of("dev.gatehouse.acme")) {
            issuer(settings(List.of(pebble.directory()), Optional.empty()), AccountKeys.inMemory(),
                    servers.responder(ChallengeType.TLS_ALPN_01)).issue(List.of(name), Pebble.ecKey());

            assertThat(log.lines()).anyMatch(l -> l.contains("acme name=" + name) && l.contains("challenge=tls-alpn-01 valid"));
        }
    }

    @Test
    void issuesOneCertificateForTwoNames() throws Exception {
        String first = uniqueName();
        String second = uniqueName();
        KeyPair key = Pebble.ecKey();

        Issued issued = issuer(settings(List.of(pebble.directory()), Optional.empty()), AccountKeys.inMemory(),
                servers.responder(ChallengeType.HTTP_01)).issue(List.of(first, second), key);

        assertIssuedFor(issued, key, first, second);
    }

    @Test
    void reusesTheAccountKeyOnTheNextOrder() throws Exception {
        AccountKeys keys = new CountingAccountKeys();
        AcmeIssuer issuer = issuer(settings(List.of(pebble.directory()), Optional.empty()), keys,
                servers.responder(ChallengeType.HTTP_01));

        Issued first = issuer.issue(List.of(uniqueName()), Pebble.ecKey());
        Issued second = issuer.issue(List.of(uniqueName()), Pebble.ecKey());

        assertThat(second.account()).isEqualTo(first.account());
        assertThat(((CountingAccountKeys) keys).saves.get()).as("account key saved once").isEqualTo(1);
    }

    @Test
    void aCaThatIsDownFailsQuicklyAndTheNextDirectoryIssues() throws Exception {
        URI down = URI.create("https://127.0.0.1:" + Pebble.freePort() + "/dir");
        String name = uniqueName();

        long started = System.nanoTime();
        AcmeIssueException failure = catchThrowableOfType(AcmeIssueException.class, () ->
                issuer(settings(List.of(down), Optional.empty()), AccountKeys.inMemory(),
                        servers.responder(ChallengeType.HTTP_01)).issue(List.of(name), Pebble.ecKey()));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(failure.directory()).isEqualTo(down);
        assertThat(failure.step()).isEqualTo(Step.DIRECTORY);
        assertThat(failure.names()).containsExactly(name);
        assertThat(failure.getMessage()).startsWith("acme name=" + name + " ca=" + down);

        Issued issued = issuer(settings(List.of(down, pebble.directory()), Optional.empty()), AccountKeys.inMemory(),
                servers.responder(ChallengeType.HTTP_01)).issue(List.of(name), Pebble.ecKey());
        assertThat(issued.directory()).isEqualTo(pebble.directory());
    }

    @Test
    void aChallengeNobodyAnswersFailsWithTheCasProblem() throws Exception {
        String name = uniqueName();
        ChallengeResponder deaf = new ChallengeResponder() { // says the listener is on, publishes nothing
            @Override
            public Set<ChallengeType> available() {
                return Set.of(ChallengeType.HTTP_01);
            }

            @Override
            public void addHttp01(String token, String keyAuthorization) {
            }

            @Override
            public void removeHttp01(String token) {
            }

            @Override
            public void addTlsAlpn01(String n, X509Certificate challengeCert, KeyPair key) {
            }

            @Override
            public void removeTlsAlpn01(String n) {
            }
        };

        long started = System.nanoTime();
        AcmeIssueException failure = catchThrowableOfType(AcmeIssueException.class, () ->
                issuer(settings(List.of(pebble.directory()), Optional.empty()), AccountKeys.inMemory(), deaf)
                        .issue(List.of(name), Pebble.ecKey()));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(FAST.validation());
        assertThat(failure.step()).isEqualTo(Step.CHALLENGE);
        assertThat(failure.challenge()).contains(ChallengeType.HTTP_01);
        assertThat(failure.problem()).as(pebble.log()).isPresent();
        assertThat(failure.problem().get().type().toString()).startsWith("urn:ietf:params:acme:error:");
        assertThat(failure.problem().get().detail()).isPresent();
        assertThat(failure.retryAfter()).isEmpty();
        assertThat(failure.getMessage()).startsWith("acme name=" + name + " ca=" + pebble.directory() + " challenge=http-01");
    }

    @Test
    void aPinnedChallengeWhoseListenerIsOffFailsBeforeAnyOrder() throws Exception {
        try (LogCapture log = LogCapture.of("dev.gatehouse.acme")) {
            AcmeIssueException failure = catchThrowableOfType(AcmeIssueException.class, () ->
                    issuer(settings(List.of(pebble.directory()), Optional.of(ChallengeType.HTTP_01)), AccountKeys.inMemory(),
                            servers.responder(ChallengeType.TLS_ALPN_01)).issue(List.of(uniqueName()), Pebble.ecKey()));

            assertThat(failure.step()).isEqualTo(Step.CHALLENGE);
            assertThat(failure.getMessage()).contains("http-01 is pinned but its listener is off");
            assertThat(log.lines()).noneMatch(l -> l.contains("ordering"));
        }
    }

    @Test
    void registersWithExternalAccountBindingWhenTheCaRequiresIt() throws Exception {
        try (Pebble eabPebble = Pebble.builder().httpPort(servers.httpPort()).tlsPort(servers.tlsPort())
                .eab(Pebble.EXAMPLE_EAB_KID, Pebble.EXAMPLE_EAB_HMAC).start()) {
            String name = uniqueName();
            AcmeSettings without = new AcmeSettings(List.of(eabPebble.directory()), Optional.of(eabPebble.trustPem()),
                    Optional.empty(), Optional.empty());
            AcmeIssueException refused = catchThrowableOfType(AcmeIssueException.class, () ->
                    issuer(without, AccountKeys.inMemory(), servers.responder(ChallengeType.HTTP_01))
                            .issue(List.of(name), Pebble.ecKey()));
            assertThat(refused.step()).isEqualTo(Step.ACCOUNT);

            AcmeSettings with = new AcmeSettings(List.of(eabPebble.directory()), Optional.of(eabPebble.trustPem()),
                    Optional.of(new Eab(Pebble.EXAMPLE_EAB_KID, Pebble.EXAMPLE_EAB_HMAC)), Optional.empty());
            KeyPair key = Pebble.ecKey();
            Issued issued = issuer(with, AccountKeys.inMemory(), servers.responder(ChallengeType.HTTP_01))
                    .issue(List.of(name), key);
            assertThat(issued.leaf().getPublicKey()).isEqualTo(key.getPublic());
            assertChainsTo(issued, eabPebble.root());
        }
    }

    private static AcmeIssuer issuer(AcmeSettings settings, AccountKeys keys, ChallengeResponder responder) {
        return new AcmeIssuer(settings, Optional.of("ops@example.com"), keys, responder, FAST);
    }

    private static AcmeSettings settings(List<URI> directories, Optional<ChallengeType> pinned) {
        return new AcmeSettings(directories, Optional.of(pebble.trustPem()), Optional.empty(), pinned);
    }

    private static String uniqueName() {
        return "t" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    }

    private static void assertIssuedFor(Issued issued, KeyPair key, String... names) throws Exception {
        X509Certificate leaf = issued.leaf();
        assertThat(leaf.getPublicKey()).isEqualTo(key.getPublic());
        List<String> sans = new ArrayList<>();
        for (List<?> san : leaf.getSubjectAlternativeNames()) {
            sans.add(String.valueOf(san.get(1)));
        }
        assertThat(sans).containsExactlyInAnyOrder(names);
        assertThat(issued.issuer()).contains("Pebble Intermediate CA");
        assertThat(issued.renewalInfo()).as("pebble 2.4 offers no ARI").isEmpty();
        assertChainsTo(issued, pebble.root());
    }

    private static void assertChainsTo(Issued issued, X509Certificate root) throws Exception {
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(issued.chain()), parameters);
    }

    /** In-memory keys that count how often a new account key is saved. */
    private static final class CountingAccountKeys implements AccountKeys {
        private final AccountKeys delegate = AccountKeys.inMemory();
        final AtomicInteger saves = new AtomicInteger();

        @Override
        public Optional<KeyPair> load(URI directory) throws java.io.IOException {
            return delegate.load(directory);
        }

        @Override
        public void save(URI directory, KeyPair key) throws java.io.IOException {
            saves.incrementAndGet();
            delegate.save(directory, key);
        }
    }
}
