package dev.gatehouse.acme.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.config.DnsSettings;
import dev.gatehouse.config.HostPort;
import dev.gatehouse.testing.AcmeDnsServer;
import dev.gatehouse.testing.Knot;
import dev.gatehouse.testing.LogCapture;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.Type;

/**
 * {@code provider: acme-dns} against a small server of its API that publishes in a real Knot server: register once,
 * say which CNAME to create, then update the TXT value at the registration's subdomain.
 */
@Timeout(60)
class AcmeDnsProviderIT {
    private static final String CHALLENGE = "_acme-challenge.example.com";

    @Test
    void registersOnceAsksForTheCnameThenUpdates() throws Exception {
        try (Knot knot = Knot.builder().zone("example.com").zone("auth.example.org").start();
             AcmeDnsServer acmeDns = AcmeDnsServer.start(knot, "auth.example.org");
             LogCapture log = LogCapture.of("dev.gatehouse.acme.dns")) {
            AcmeDnsAccounts accounts = AcmeDnsAccounts.inMemory();
            DnsSettings settings = new DnsSettings(new DnsSettings.AcmeDns(acmeDns.api(), Optional.empty(), List.of()),
                    Optional.of(new HostPort("127.0.0.1", knot.port())), Optional.empty(), DnsChallengesIT.servers(knot));
            DnsChallenges challenges = new DnsChallenges(accounts);

            DnsException first = catchThrowableOfType(DnsException.class, () -> challenges.publish(settings,
                    List.of(new DnsChallenges.Wanted("example.com", CHALLENGE, value('a')))));

            DnsSettings.AcmeDnsAccount account = accounts.load(acmeDns.api(), "example.com").orElseThrow();
            String cname = CHALLENGE + ". CNAME " + account.fulldomain() + ".";
            assertThat(first.step()).isEqualTo(DnsException.Step.CNAME);
            assertThat(first.getMessage()).contains(CHALLENGE + " has no CNAME", cname, "server=" + acmeDns.api());
            assertThat(log.lines()).anyMatch(l -> l.startsWith("WARN") && l.contains("registered example.com")
                    && l.contains(cname));
            assertThat(acmeDns.updates()).isZero();

            knot.add("example.com", CHALLENGE, Type.CNAME, account.fulldomain() + ".");
            try (DnsChallenges.Published published = challenges.publish(settings, List.of(
                    new DnsChallenges.Wanted("example.com", CHALLENGE, value('b')),
                    new DnsChallenges.Wanted("example.com", CHALLENGE, value('c'))))) {
                assertThat(published.records()).extracting(TxtRecord::name).containsOnly(account.fulldomain());
                assertThat(published.records()).extracting(TxtRecord::zone).containsOnly("auth.example.org");
                published.awaitPropagation();
                assertThat(knot.txt(account.fulldomain())).containsExactlyInAnyOrder(value('b'), value('c'));
            }

            assertThat(acmeDns.registrations()).as("registered once").isEqualTo(1);
            assertThat(acmeDns.updates()).isEqualTo(2);
        }
    }

    @Test
    void aGivenAccountIsUsedWithoutRegisteringAndBadCredentialsAreSaidSo() throws Exception {
        try (Knot knot = Knot.builder().zone("auth.example.org").start();
             AcmeDnsServer acmeDns = AcmeDnsServer.start(knot, "auth.example.org")) {
            DnsSettings.AcmeDnsAccount stale = new DnsSettings.AcmeDnsAccount("nobody", "wrong", "sub",
                    "sub.auth.example.org");
            DnsSettings settings = new DnsSettings(new DnsSettings.AcmeDns(acmeDns.api(), Optional.of(stale), List.of()),
                    Optional.of(new HostPort("127.0.0.1", knot.port())), Optional.empty(), DnsChallengesIT.servers(knot));

            // The CNAME check is skipped here: _acme-challenge.sub.auth.example.org is the account's own name.
            DnsException e = catchThrowableOfType(DnsException.class, () -> new DnsChallenges(AcmeDnsAccounts.inMemory())
                    .publish(settings, List.of(new DnsChallenges.Wanted("sub.auth.example.org", "sub.auth.example.org",
                            value('d')))));

            assertThat(e.step()).isEqualTo(DnsException.Step.PRESENT);
            assertThat(e.code()).contains("HTTP 401");
            assertThat(e.getMessage()).contains("refused the credentials for sub.auth.example.org", "check acme.dns.account");
            assertThat(acmeDns.registrations()).isZero();
        }
    }

    /** A 43-character value, as a SHA-256 digest in base64url is. */
    private static String value(char c) {
        return String.valueOf(c).repeat(43);
    }
}
