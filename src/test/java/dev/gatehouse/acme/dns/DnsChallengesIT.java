package dev.gatehouse.acme.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.config.DnsSettings;
import dev.gatehouse.config.HostPort;
import dev.gatehouse.testing.Knot;
import dev.gatehouse.testing.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.Type;

/**
 * Publishing DNS-01 TXT values through a real Knot server with RFC 2136 updates signed with TSIG: zone walk, CNAME
 * delegation, a wildcard and its apex side by side, cleanup of our values only, propagation to a lagging secondary,
 * and the messages of refused updates.
 */
@Timeout(60)
class DnsChallengesIT {
    private static final String CHALLENGE = "_acme-challenge.example.com";
    private static final Duration FAST = Duration.ofMillis(200);

    @Test
    void apexAndWildcardValuesSideBySideThenOnlyOursRemoved() throws Exception {
        try (Knot knot = Knot.builder().zone("example.com", "_acme-challenge TXT \"someone-else\"").start()) {
            DnsSettings settings = rfc2136(knot, knot.secret(), DnsSettings.Propagation.DEFAULTS);
            // NS of example.com is ns1.example.com = 127.0.0.1, on the test server's port.
            DnsChallenges challenges = new DnsChallenges(AcmeDnsAccounts.inMemory(), knot.port());

            try (DnsChallenges.Published published = challenges.publish(settings, List.of(
                    new DnsChallenges.Wanted("example.com", CHALLENGE, "apex-value"),
                    new DnsChallenges.Wanted("example.com", CHALLENGE, "wildcard-value")))) {
                assertThat(published.records()).extracting(TxtRecord::zone).containsOnly("example.com");
                assertThat(knot.txt(CHALLENGE)).containsExactlyInAnyOrder("someone-else", "apex-value", "wildcard-value");
                published.awaitPropagation();
            }

            assertThat(knot.txt(CHALLENGE)).as("values left after cleanup").containsExactly("someone-else");
        }
    }

    @Test
    void cnameOnAcmeChallengeIsFollowedIntoTheZoneItPointsTo() throws Exception {
        try (Knot knot = Knot.builder()
                .zone("example.com", "_acme-challenge CNAME example.com.validation.example.net.")
                .zone("example.net").start()) {
            DnsSettings settings = rfc2136(knot, knot.secret(), servers(knot));
            try (DnsChallenges.Published published = new DnsChallenges(AcmeDnsAccounts.inMemory()).publish(settings,
                    List.of(new DnsChallenges.Wanted("example.com", CHALLENGE, "delegated-value")))) {
                assertThat(published.records()).containsExactly(new TxtRecord("example.com",
                        "example.com.validation.example.net", "example.net", "delegated-value"));
                assertThat(knot.txt("example.com.validation.example.net")).containsExactly("delegated-value");
                published.awaitPropagation();
            }
            assertThat(knot.txt("example.com.validation.example.net")).isEmpty();
        }
    }

    @Test
    void propagationWaitsForALaggingSecondary() throws Exception {
        try (Knot primary = Knot.builder().zone("example.com").start();
             Knot secondary = Knot.builder().secondary("example.com", primary).start();
             LogCapture log = LogCapture.of("dev.gatehouse.acme.dns")) {
            DnsSettings settings = rfc2136(primary, primary.secret(), new DnsSettings.Propagation(
                    List.of(hostPort(primary), hostPort(secondary)), Duration.ofSeconds(30), FAST));
            try (DnsChallenges.Published published = new DnsChallenges(AcmeDnsAccounts.inMemory()).publish(settings,
                    List.of(new DnsChallenges.Wanted("example.com", CHALLENGE, "late-value")))) {
                CompletableFuture<Void> propagated = CompletableFuture.runAsync(() -> {
                    try {
                        published.awaitPropagation();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertThat(log.await(l -> l.contains("waiting for " + secondary.address()), Duration.ofSeconds(10)))
                        .as("the check names the lagging server").isNotNull();
                assertThat(secondary.txt(CHALLENGE)).as("secondary before its refresh").isEmpty();
                assertThat(propagated).as("propagation while the secondary lags").isNotDone();

                secondary.refresh("example.com");

                propagated.get(10, TimeUnit.SECONDS);
                assertThat(secondary.txt(CHALLENGE)).containsExactly("late-value");
                assertThat(log.lines()).anyMatch(l -> l.contains("served by all 2 nameserver checks"));
            }
        }
    }

    @Test
    void propagationGivesUpAfterItsTimeoutNamingTheServer() throws Exception {
        try (Knot primary = Knot.builder().zone("example.com").start();
             Knot secondary = Knot.builder().secondary("example.com", primary).start()) {
            DnsSettings settings = rfc2136(primary, primary.secret(), new DnsSettings.Propagation(
                    List.of(hostPort(primary), hostPort(secondary)), Duration.ofSeconds(1), FAST));
            try (DnsChallenges.Published published = new DnsChallenges(AcmeDnsAccounts.inMemory()).publish(settings,
                    List.of(new DnsChallenges.Wanted("example.com", CHALLENGE, "never-there")))) {
                DnsException e = catchThrowableOfType(DnsException.class, published::awaitPropagation);

                assertThat(e.step()).isEqualTo(DnsException.Step.PROPAGATION);
                assertThat(e.getMessage()).contains("zone=example.com", "server=" + secondary.address(), "timeout",
                        "within 1s", "0 of 1 value").doesNotContain("server=" + primary.address() + ",");
            }
            assertThat(primary.txt(CHALLENGE)).as("removed after the failure").isEmpty();
        }
    }

    @Test
    void wrongSecretIsBadsigNamingZoneServerAndStep() throws Exception {
        try (Knot knot = Knot.builder().zone("example.com").start()) {
            String wrong = "c2VjcmV0LXRoYXQtaXMtd3Jvbmc=";
            DnsException e = catchThrowableOfType(DnsException.class, () -> new DnsChallenges(AcmeDnsAccounts.inMemory())
                    .publish(rfc2136(knot, wrong, servers(knot)), List.of(new DnsChallenges.Wanted("example.com",
                            CHALLENGE, "v"))));

            assertThat(e.step()).isEqualTo(DnsException.Step.PRESENT);
            assertThat(e.code()).contains("NOTAUTH, TSIG BADSIG");
            assertThat(e.getMessage()).contains("zone=example.com", "server=" + knot.address(), "step=present",
                    "BADSIG", "tsig.secret", Knot.KEY_NAME);
            assertThat(knot.txt(CHALLENGE)).isEmpty();
        }
    }

    @Test
    void zoneThatRefusesTheKeyIsReportedWithItsCode() throws Exception {
        try (Knot knot = Knot.builder().zoneWithoutUpdates("example.com").start()) {
            DnsException e = catchThrowableOfType(DnsException.class, () -> new DnsChallenges(AcmeDnsAccounts.inMemory())
                    .publish(rfc2136(knot, knot.secret(), servers(knot)), List.of(new DnsChallenges.Wanted(
                            "example.com", CHALLENGE, "v"))));

            assertThat(e.code()).contains("NOTAUTH, TSIG BADKEY");
            assertThat(e.getMessage()).contains("zone=example.com", "server=" + knot.address(), "step=present",
                    "does not accept key " + Knot.KEY_NAME + " for this zone");
        }
    }

    @Test
    void aFailureHalfWayRemovesWhatWasPublished() throws Exception {
        try (Knot knot = Knot.builder().zone("example.com").zoneWithoutUpdates("example.org").start()) {
            DnsException e = catchThrowableOfType(DnsException.class, () -> new DnsChallenges(AcmeDnsAccounts.inMemory())
                    .publish(rfc2136(knot, knot.secret(), servers(knot)), List.of(
                            new DnsChallenges.Wanted("example.com", CHALLENGE, "first"),
                            new DnsChallenges.Wanted("example.org", "_acme-challenge.example.org", "second"))));

            assertThat(e.zone()).contains("example.org");
            assertThat(knot.txt(CHALLENGE)).as("the first value, published before the second failed").isEmpty();
        }
    }

    @Test
    void serverThatIsDownIsReportedAtOnce() throws Exception {
        try (Knot knot = Knot.builder().zone("example.com").start()) {
            DnsSettings settings = rfc2136(knot, knot.secret(), servers(knot));
            knot.stop();

            DnsException e = catchThrowableOfType(DnsException.class, () -> new DnsChallenges(AcmeDnsAccounts.inMemory())
                    .publish(settings, List.of(new DnsChallenges.Wanted("example.com", CHALLENGE, "v"))));

            assertThat(e.getMessage()).contains("server=" + knot.address()).containsAnyOf("refused", "timeout",
                    "unreachable");
        }
    }

    @Test
    void zoneWalkFindsTheEnclosingZoneOfADeepName() throws Exception {
        try (Knot knot = Knot.builder().zone("example.com").start()) {
            DnsSettings settings = rfc2136(knot, knot.secret(), servers(knot));
            String deep = "_acme-challenge.a.b.example.com";
            try (DnsChallenges.Published published = new DnsChallenges(AcmeDnsAccounts.inMemory()).publish(settings,
                    List.of(new DnsChallenges.Wanted("a.b.example.com", deep, "deep-value")))) {
                assertThat(published.records().get(0).zone()).isEqualTo("example.com");
                assertThat(knot.txt(deep)).containsExactly("deep-value");
            }
            assertThat(knot.query(deep, Type.TXT).getSectionArray(org.xbill.DNS.Section.ANSWER)).isEmpty();
        }
    }

    static DnsSettings rfc2136(Knot knot, String secret, DnsSettings.Propagation propagation) {
        return new DnsSettings(new DnsSettings.Rfc2136(new DnsSettings.Tsig(Knot.KEY_NAME,
                DnsSettings.TsigAlgorithm.HMAC_SHA256, secret)), Optional.of(hostPort(knot)), Optional.empty(), propagation);
    }

    static DnsSettings.Propagation servers(Knot... knots) {
        return new DnsSettings.Propagation(java.util.Arrays.stream(knots).map(DnsChallengesIT::hostPort).toList(),
                Duration.ofSeconds(10), FAST);
    }

    static HostPort hostPort(Knot knot) {
        return new HostPort("127.0.0.1", knot.port());
    }
}
