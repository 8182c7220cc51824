package dev.gatehouse.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.config.AcmeSettings;
import dev.gatehouse.config.AcmeSettings.ChallengeType;
import dev.gatehouse.config.DnsSettings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChallengePlanTest {
    private static final List<String> ALL = List.of("http-01", "tls-alpn-01", "dns-01");
    private static final Set<ChallengeType> BOTH = Set.of(ChallengeType.HTTP_01, ChallengeType.TLS_ALPN_01);
    private static final DnsSettings EXEC = new DnsSettings(new DnsSettings.Exec(List.of("/bin/true"),
            Duration.ofSeconds(5)), Optional.empty(), Optional.empty(), DnsSettings.Propagation.DEFAULTS);

    @Test
    void wildcardsGoOverDnsAndOtherNamesOverTheListeners() throws Exception {
        ChallengePlan plan = ChallengePlan.of(settings(Optional.empty(), Optional.of(EXEC)), Optional.empty());

        assertThat(plan.choose("example.com", true, List.of("dns-01"), BOTH)).isEqualTo(ChallengeType.DNS_01);
        assertThat(plan.choose("example.com", false, ALL, BOTH)).isEqualTo(ChallengeType.HTTP_01);
        assertThat(plan.choose("example.com", false, ALL, Set.of(ChallengeType.TLS_ALPN_01)))
                .isEqualTo(ChallengeType.TLS_ALPN_01);
        assertThat(plan.choose("example.com", false, ALL, Set.of())).as("no listener: DNS-01 as a last resort")
                .isEqualTo(ChallengeType.DNS_01);
        assertThat(plan.problem(List.of("*.example.com", "example.com"), BOTH)).isEmpty();
    }

    @Test
    void namesInAWildcardsDomainGoOverDnsWithItUnlessATypeIsPinned() throws Exception {
        List<String> order = List.of("*.example.com", "example.com", "www.example.com", "example.org");
        ChallengePlan plan = ChallengePlan.of(settings(Optional.empty(), Optional.of(EXEC)), Optional.empty())
                .forOrder(order);

        assertThat(plan.choose("example.com", false, ALL, BOTH)).isEqualTo(ChallengeType.DNS_01);
        assertThat(plan.choose("www.example.com", false, ALL, BOTH)).isEqualTo(ChallengeType.DNS_01);
        assertThat(plan.choose("example.org", false, ALL, BOTH)).as("another domain").isEqualTo(ChallengeType.HTTP_01);
        assertThat(plan.choose("notexample.com", false, ALL, BOTH)).isEqualTo(ChallengeType.HTTP_01);
        assertThat(plan.problem(List.of("*.example.com", "example.com"), Set.of())).as("no listener needed").isEmpty();

        ChallengePlan pinned = ChallengePlan.of(settings(Optional.of(ChallengeType.HTTP_01), Optional.of(EXEC)),
                Optional.empty()).forOrder(order);
        assertThat(pinned.choose("example.com", false, ALL, BOTH)).isEqualTo(ChallengeType.HTTP_01);
        assertThat(pinned.choose("example.com", true, ALL, BOTH)).isEqualTo(ChallengeType.DNS_01);
    }

    @Test
    void pinnedDns01OrASiteBlockSendsEveryNameOverDns() throws Exception {
        ChallengePlan pinned = ChallengePlan.of(settings(Optional.of(ChallengeType.DNS_01), Optional.of(EXEC)),
                Optional.empty());
        ChallengePlan site = ChallengePlan.of(settings(Optional.empty(), Optional.empty()), Optional.of(EXEC));

        for (ChallengePlan plan : List.of(pinned, site)) {
            assertThat(plan.choose("example.com", false, ALL, BOTH)).isEqualTo(ChallengeType.DNS_01);
            assertThat(plan.problem(List.of("example.com"), Set.of())).as("no listener needed").isEmpty();
            assertThat(plan.dns()).contains(EXEC);
        }
    }

    @Test
    void aWildcardWithoutProviderIsRefusedBeforeAnyOrder() {
        ChallengePlan plan = ChallengePlan.of(settings(Optional.empty(), Optional.empty()), Optional.empty());

        assertThat(plan.problem(List.of("*.example.com"), BOTH)).hasValueSatisfying(p -> assertThat(p)
                .contains("*.example.com is a wildcard", "no DNS provider", "acme.dns"));
        ChallengePlan.NoChallenge e = catchThrowableOfType(ChallengePlan.NoChallenge.class,
                () -> plan.choose("example.com", true, List.of("dns-01"), BOTH));
        assertThat(e.getMessage()).contains("*.example.com needs DNS-01");
    }

    @Test
    void aPinnedListenerTypeThatIsOffOrNotOfferedIsSaidSo() {
        ChallengePlan plan = ChallengePlan.of(settings(Optional.of(ChallengeType.HTTP_01), Optional.empty()),
                Optional.empty());

        assertThat(plan.problem(List.of("example.com"), Set.of(ChallengeType.TLS_ALPN_01)))
                .hasValueSatisfying(p -> assertThat(p).contains("http-01 is pinned but its listener is off"));
        ChallengePlan.NoChallenge e = catchThrowableOfType(ChallengePlan.NoChallenge.class,
                () -> plan.choose("example.com", false, List.of("dns-01"), BOTH));
        assertThat(e.getMessage()).contains("CA offers [dns-01] for example.com, not http-01");
    }

    private static AcmeSettings settings(Optional<ChallengeType> challenge, Optional<DnsSettings> dns) {
        return new AcmeSettings(AcmeSettings.DEFAULTS.directories(), Optional.empty(), Optional.empty(), challenge, dns);
    }
}
