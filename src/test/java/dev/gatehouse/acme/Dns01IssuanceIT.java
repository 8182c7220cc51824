package dev.gatehouse.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.acme.dns.AcmeDnsAccounts;
import dev.gatehouse.acme.dns.DnsChallenges;
import dev.gatehouse.config.AcmeSettings;
import dev.gatehouse.config.AcmeSettings.ChallengeType;
import dev.gatehouse.config.DnsSettings;
import dev.gatehouse.config.HostPort;
import dev.gatehouse.testing.AcmeDnsServer;
import dev.gatehouse.testing.Knot;
import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.Unbound;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Certificates over DNS-01 from a real pebble that looks the TXT records up at a real Knot server (or at unbound in
 * front of it), published there by RFC 2136 updates signed with TSIG.
 */
@Timeout(60)
class Dns01IssuanceIT {
    private static final AcmeIssuer.Timeouts FAST = new AcmeIssuer.Timeouts(
            Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(20));
    private static final Duration INTERVAL = Duration.ofMillis(200);

    @Test
    void wildcardAndApexInOneOrderThenOnlyOurValuesRemoved() throws Exception {
        try (Knot knot = Knot.builder().zone("example.com", "_acme-challenge TXT \"someone-else\"").start();
             Pebble pebble = Pebble.builder().dnsServer(knot.address()).start();
             LogCapture log = LogCapture.of("dev.gatehouse.acme")) {
            KeyPair key = Pebble.ecKey();
            Issued issued = issuer(pebble, rfc2136(knot, knot.secret(), List.of(knot)), Optional.empty())
                    .issue(List.of("*.example.com", "example.com"), key);

            assertThat(issued.leaf().getSubjectAlternativeNames()).containsExactlyInAnyOrder(
                    List.of(2, "*.example.com"), List.of(2, "example.com"));
            assertThat(issued.leaf().getPublicKey()).isEqualTo(key.getPublic());
            assertThat(log.lines()).anyMatch(l -> l.contains("name=*.example.com ca=" + pebble.directory()
                    + " challenge=dns-01 valid")).anyMatch(l -> l.contains("name=example.com ca=" + pebble.directory()
                    + " challenge=dns-01 valid"));
            assertThat(knot.txt("_acme-challenge.example.com")).as("after the order").containsExactly("someone-else");
        }
    }

    @Test
    void cnameDelegationIsFollowedByTheCaThroughAResolver() throws Exception {
        try (Knot knot = Knot.builder()
                .zone("example.com", "_acme-challenge CNAME example.com.validation.example.net.")
                .zone("example.net").start();
             Unbound resolver = Unbound.start(Map.of("example.com", knot.address(), "example.net", knot.address()));
             Pebble pebble = Pebble.builder().dnsServer(resolver.address()).start();
             LogCapture log = LogCapture.of("dev.gatehouse.acme")) {
            Issued issued = issuer(pebble, rfc2136(knot, knot.secret(), List.of(knot)), Optional.empty())
                    .issue(List.of("example.com"), Pebble.ecKey());

            assertThat(issued.leaf().getSubjectAlternativeNames()).containsExactly(List.of(2, "example.com"));
            assertThat(log.lines()).anyMatch(l -> l.contains("is a CNAME to example.com.validation.example.net"))
                    .anyMatch(l -> l.contains("zone=example.net") && l.contains("added"));
            assertThat(knot.txt("example.com.validation.example.net")).isEmpty();
        }
    }

    @Test
    void validationWaitsForALaggingSecondary() throws Exception {
        try (Knot primary = Knot.builder().zone("example.com").start();
             Knot secondary = Knot.builder().secondary("example.com", primary).start();
             // The CA asks the lagging server: validating before it has the value would fail.
             Pebble pebble = Pebble.builder().dnsServer(secondary.address()).start();
             LogCapture log = LogCapture.of("dev.gatehouse.acme")) {
            CompletableFuture<Void> lateRefresh = CompletableFuture.runAsync(() -> {
                try {
                    if (log.await(l -> l.contains("waiting for " + secondary.address()), Duration.ofSeconds(20)) != null) {
                        assertThat(log.lines()).as("validation before the secondary has the value")
                                .noneMatch(l -> l.contains("validating"));
                        secondary.refresh("example.com");
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });

            Issued issued = issuer(pebble, rfc2136(primary, primary.secret(), List.of(primary, secondary)),
                    Optional.empty()).issue(List.of("example.com"), Pebble.ecKey());

            lateRefresh.get(5, TimeUnit.SECONDS);
            assertThat(issued.leaf().getSubjectAlternativeNames()).containsExactly(List.of(2, "example.com"));
            List<String> lines = log.lines();
            assertThat(indexOf(lines, "waiting for " + secondary.address()))
                    .isLessThan(indexOf(lines, "served by all 2 nameserver checks"))
                    .isLessThan(indexOf(lines, "challenge=dns-01 validating"));
        }
    }

    @Test
    void aBadSignatureFailsTheOrderNamingZoneServerStepAndCode() throws Exception {
        try (Knot knot = Knot.builder().zone("example.com").start();
             Pebble pebble = Pebble.builder().dnsServer(knot.address()).start()) {
            AcmeIssueException e = catchThrowableOfType(AcmeIssueException.class, () -> issuer(pebble,
                    rfc2136(knot, "d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==", List.of(knot)), Optional.empty())
                    .issue(List.of("*.example.com"), Pebble.ecKey()));

            assertThat(e.step()).isEqualTo(AcmeIssueException.Step.CHALLENGE);
            assertThat(e.challenge()).contains(ChallengeType.DNS_01);
            assertThat(e.getMessage()).contains("acme name=*.example.com", "challenge=dns-01 step=challenge",
                    "dns zone=example.com server=" + knot.address() + " step=present: NOTAUTH, TSIG BADSIG");
            assertThat(knot.txt("_acme-challenge.example.com")).isEmpty();
        }
    }

    @Test
    void aSiteBlockSendsAnOrdinaryNameOverDns() throws Exception {
        try (Knot knot = Knot.builder().zone("example.com").start();
             Pebble pebble = Pebble.builder().dnsServer(knot.address()).start();
             LogCapture log = LogCapture.of("dev.gatehouse.acme")) {
            AcmeSettings plain = new AcmeSettings(List.of(pebble.directory()), Optional.of(pebble.trustPem()),
                    Optional.empty(), Optional.empty());
            new AcmeIssuer(plain, Optional.empty(), AccountKeys.inMemory(), noListeners(), FAST,
                    new DnsChallenges(AcmeDnsAccounts.inMemory()))
                    .issue(List.of("www.example.com"), Pebble.ecKey(), Optional.of(rfc2136(knot, knot.secret(), List.of(knot))));

            assertThat(log.lines()).anyMatch(l -> l.contains("name=www.example.com") && l.contains("challenge=dns-01 valid"));
        }
    }

    @Test
    void acmeDnsFirstSaysWhichCnameToCreateThenIssues() throws Exception {
        try (Knot knot = Knot.builder().zone("example.com").zone("auth.example.org").start();
             AcmeDnsServer acmeDns = AcmeDnsServer.start(knot, "auth.example.org");
             Unbound resolver = Unbound.start(Map.of("example.com", knot.address(), "auth.example.org", knot.address()));
             Pebble pebble = Pebble.builder().dnsServer(resolver.address()).start()) {
            DnsSettings dns = new DnsSettings(new DnsSettings.AcmeDns(acmeDns.api(), Optional.empty(), List.of()),
                    Optional.of(new HostPort("127.0.0.1", knot.port())), Optional.empty(),
                    new DnsSettings.Propagation(List.of(new HostPort("127.0.0.1", knot.port())), Duration.ofSeconds(20),
                            INTERVAL));
            AcmeDnsAccounts accounts = AcmeDnsAccounts.inMemory();
            AcmeIssuer issuer = new AcmeIssuer(new AcmeSettings(List.of(pebble.directory()),
                    Optional.of(pebble.trustPem()), Optional.empty(), Optional.empty(), Optional.of(dns)),
                    Optional.empty(), AccountKeys.inMemory(), noListeners(), FAST, new DnsChallenges(accounts));
            List<String> names = List.of("*.example.com", "example.com");

            AcmeIssueException first = catchThrowableOfType(AcmeIssueException.class,
                    () -> issuer.issue(names, Pebble.ecKey()));
            String fulldomain = accounts.load(acmeDns.api(), "example.com").orElseThrow().fulldomain();
            assertThat(first.getMessage()).contains("_acme-challenge.example.com. CNAME " + fulldomain + ".");

            knot.add("example.com", "_acme-challenge.example.com", org.xbill.DNS.Type.CNAME, fulldomain + ".");
            Issued issued = issuer.issue(names, Pebble.ecKey());

            assertThat(issued.leaf().getSubjectAlternativeNames()).containsExactlyInAnyOrder(
                    List.of(2, "*.example.com"), List.of(2, "example.com"));
            assertThat(acmeDns.registrations()).isEqualTo(1);
        }
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        throw new AssertionError("no log line with \"" + part + "\" in " + lines);
    }

    private static AcmeIssuer issuer(Pebble pebble, DnsSettings dns, Optional<ChallengeType> pinned) {
        AcmeSettings settings = new AcmeSettings(List.of(pebble.directory()), Optional.of(pebble.trustPem()),
                Optional.empty(), pinned, Optional.of(dns));
        return new AcmeIssuer(settings, Optional.empty(), AccountKeys.inMemory(), noListeners(), FAST,
                new DnsChallenges(AcmeDnsAccounts.inMemory()));
    }

    static DnsSettings rfc2136(Knot updates, String secret, List<Knot> checked) {
        return new DnsSettings(new DnsSettings.Rfc2136(new DnsSettings.Tsig(Knot.KEY_NAME,
                DnsSettings.TsigAlgorithm.HMAC_SHA256, secret)), Optional.of(new HostPort("127.0.0.1", updates.port())),
                Optional.empty(), new DnsSettings.Propagation(checked.stream().map(k -> new HostPort("127.0.0.1",
                k.port())).toList(), Duration.ofSeconds(20), INTERVAL));
    }

    /** Neither plain nor TLS listener: only DNS-01 can be answered. */
    static ChallengeResponder noListeners() {
        return new ChallengeResponder() {
            @Override
            public Set<ChallengeType> available() {
                return Set.of();
            }

            @Override
            public void addHttp01(String token, String keyAuthorization) {
                throw new AssertionError("no http listener");
            }

            @Override
            public void removeHttp01(String token) {
            }

            @Override
            public void addTlsAlpn01(String name, X509Certificate challengeCert, KeyPair key) {
                throw new AssertionError("no https listener");
            }

            @Override
            public void removeTlsAlpn01(String name) {
            }
        };
    }
}
