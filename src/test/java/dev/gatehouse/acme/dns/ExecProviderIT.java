package dev.gatehouse.acme.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.config.DnsSettings;
import dev.gatehouse.config.HostPort;
import dev.gatehouse.testing.Executables;
import dev.gatehouse.testing.Knot;
import dev.gatehouse.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code provider: exec} with real scripts: one that publishes through knsupdate into a real Knot server (as a
 * user's hook for "some other DNS service" would), one that hangs, one that fails.
 */
@Timeout(60)
class ExecProviderIT {
    private static final String CHALLENGE = "_acme-challenge.example.com";

    @TempDir
    Path dir;

    @Test
    void aScriptPublishesAndRemovesTheValueAndItsOutputIsLogged() throws Exception {
        try (Knot knot = Knot.builder().zone("example.com").start();
             LogCapture log = LogCapture.of("dev.gatehouse.acme.dns")) {
            Path hook = knsupdateHook(knot);
            DnsSettings settings = exec(List.of(hook.toString()), Duration.ofSeconds(20), knot, Optional.empty());

            try (DnsChallenges.Published published = new DnsChallenges(AcmeDnsAccounts.inMemory()).publish(settings,
                    List.of(new DnsChallenges.Wanted("example.com", CHALLENGE, "exec-value")))) {
                assertThat(knot.txt(CHALLENGE)).containsExactly("exec-value");
                published.awaitPropagation();
            }

            assertThat(knot.txt(CHALLENGE)).isEmpty();
            assertThat(log.lines()).anyMatch(l -> l.contains("exec present " + CHALLENGE + ": hook present "
                    + CHALLENGE + " exec-value zone=example.com domain=example.com"))
                    .anyMatch(l -> l.contains("exec cleanup " + CHALLENGE + ": hook cleanup " + CHALLENGE));
        }
    }

    @Test
    void anExplicitZoneOverridesTheWalk() throws Exception {
        try (Knot knot = Knot.builder().zone("example.com").start();
             Knot elsewhere = Knot.builder().zone("example.org").start()) {
            Path hook = knsupdateHook(knot);
            // Lookups go to a server that knows nothing of example.com: the walk cannot find the zone.
            DnsSettings walk = exec(List.of(hook.toString()), Duration.ofSeconds(20), elsewhere, Optional.empty());
            DnsException e = catchThrowableOfType(DnsException.class, () -> new DnsChallenges(AcmeDnsAccounts.inMemory())
                    .publish(walk, List.of(new DnsChallenges.Wanted("example.com", CHALLENGE, "v"))));
            assertThat(e.step()).isEqualTo(DnsException.Step.ZONE);
            assertThat(e.getMessage()).contains("no zone found for " + CHALLENGE, "REFUSED", "acme.dns.zone");

            DnsSettings named = exec(List.of(hook.toString()), Duration.ofSeconds(20), elsewhere,
                    Optional.of("example.com"));
            try (DnsChallenges.Published published = new DnsChallenges(AcmeDnsAccounts.inMemory()).publish(named,
                    List.of(new DnsChallenges.Wanted("example.com", CHALLENGE, "zoned-value")))) {
                assertThat(published.records().get(0).zone()).isEqualTo("example.com");
                assertThat(knot.txt(CHALLENGE)).containsExactly("zoned-value");
            }
        }
    }

    @Test
    void aHangingScriptIsKilledAfterItsTimeout() throws Exception {
        try (Knot knot = Knot.builder().zone("example.com").start()) {
            Path hook = script("hang.sh", "#!/bin/sh\necho starting $1\nexec sleep 30\n");
            DnsException e = catchThrowableOfType(DnsException.class, () -> new DnsChallenges(AcmeDnsAccounts.inMemory())
                    .publish(exec(List.of(hook.toString()), Duration.ofSeconds(1), knot, Optional.empty()),
                            List.of(new DnsChallenges.Wanted("example.com", CHALLENGE, "v"))));

            assertThat(e.step()).isEqualTo(DnsException.Step.PRESENT);
            assertThat(e.getMessage()).contains("zone=example.com", hook + " present killed after 1s (exec timeout)",
                    "last output: starting present");
        }
    }

    @Test
    void aFailingScriptIsReportedWithItsExitCodeAndOutput() throws Exception {
        try (Knot knot = Knot.builder().zone("example.com").start()) {
            Path hook = script("fail.sh", "#!/bin/sh\necho \"api says: quota exceeded\" >&2\nexit 3\n");
            DnsException e = catchThrowableOfType(DnsException.class, () -> new DnsChallenges(AcmeDnsAccounts.inMemory())
                    .publish(exec(List.of(hook.toString(), "--profile", "prod"), Duration.ofSeconds(10), knot,
                            Optional.empty()), List.of(new DnsChallenges.Wanted("example.com", CHALLENGE, "v"))));

            assertThat(e.getMessage()).contains("step=present", hook + " present exited with 3",
                    "last output: api says: quota exceeded");
        }
    }

    /** A hook as a user would write one for their DNS: here it drives knsupdate with the test server's key. */
    private Path knsupdateHook(Knot knot) throws Exception {
        Path knsupdate = Executables.find("knsupdate", "knot-dnsutils");
        return script("hook.sh", """
                #!/bin/sh
                set -e
                echo "hook $1 $2 $3 zone=$GATEHOUSE_DNS_ZONE domain=$GATEHOUSE_DNS_DOMAIN"
                case "$1" in
                  present) op="add $2. 60 TXT \\"$3\\"" ;;
                  cleanup) op="del $2. TXT \\"$3\\"" ;;
                esac
                printf 'server 127.0.0.1 %d\\nzone %%s\\nupdate %%s\\nsend\\n' "$GATEHOUSE_DNS_ZONE" "$op" \\
                  | %s -y hmac-sha256:%s:%s
                """.formatted(knot.port(), knsupdate, Knot.KEY_NAME, knot.secret()));
    }

    private Path script(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private static DnsSettings exec(List<String> command, Duration timeout, Knot lookups, Optional<String> zone) {
        return new DnsSettings(new DnsSettings.Exec(command, timeout), Optional.of(new HostPort("127.0.0.1",
                lookups.port())), zone, DnsChallengesIT.servers(lookups));
    }
}
