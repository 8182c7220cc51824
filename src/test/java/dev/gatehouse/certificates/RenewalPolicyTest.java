package dev.gatehouse.certificates;

import dev.gatehouse.acme.RenewalWindow;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RenewalPolicyTest {
    private static final Instant ISSUED = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant EXPIRES = ISSUED.plus(Duration.ofDays(90));
    private final RenewalPolicy policy = new RenewalPolicy();

    @Test
    void withoutAriRenewsWhenAThirdOfTheLifetimeIsLeftMinusASmallJitter() {
        Instant oneThirdLeft = EXPIRES.minus(Duration.ofDays(30));
        Random random = new Random(1);
        for (int i = 0; i < 1000; i++) {
            Instant next = policy.nextRenewal(ISSUED, EXPIRES, Optional.empty(), random);

            assertThat(next).isBetween(oneThirdLeft.minus(RenewalPolicy.DEFAULT_MAX_JITTER), oneThirdLeft);
        }
    }

    @Test
    void jitterNeverExceedsOnePercentOfAShortLifetime() {
        Instant expires = ISSUED.plus(Duration.ofHours(6)); // a short-lived certificate: 1% is 3.6 minutes
        Instant next = policy.nextRenewal(ISSUED, expires, Optional.empty(), new FixedRandom(0.999));

        assertThat(next).isBetween(ISSUED.plus(Duration.ofHours(4)).minus(Duration.ofMinutes(4)), ISSUED.plus(Duration.ofHours(4)));
    }

    @Test
    void theAriWindowWinsAndTheTimeIsUniformInsideIt() {
        RenewalWindow window = new RenewalWindow(ISSUED.plus(Duration.ofDays(10)), ISSUED.plus(Duration.ofDays(12)));

        assertThat(policy.nextRenewal(ISSUED, EXPIRES, Optional.of(window), new FixedRandom(0.0))).isEqualTo(window.start());
        assertThat(policy.nextRenewal(ISSUED, EXPIRES, Optional.of(window), new FixedRandom(0.5)))
                .isEqualTo(ISSUED.plus(Duration.ofDays(11)));
        Random random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            assertThat(policy.nextRenewal(ISSUED, EXPIRES, Optional.of(window), random)).isBetween(window.start(), window.end());
        }
    }

    @Test
    void anAriWindowInThePastMeansRenewNow() {
        RenewalWindow past = new RenewalWindow(ISSUED, ISSUED.plusSeconds(60));

        assertThat(policy.nextRenewal(ISSUED, EXPIRES, Optional.of(past), new Random(3))).isBefore(ISSUED.plusSeconds(61));
    }

    @Test
    void aCertificateWithoutLifetimeIsRenewedAtOnce() {
        assertThat(policy.nextRenewal(ISSUED, ISSUED, Optional.empty(), new Random(3))).isEqualTo(ISSUED);
    }

    @Test
    void rejectsAWindowThatEndsBeforeItStarts() {
        assertThatThrownBy(() -> new RenewalWindow(EXPIRES, ISSUED))
                .hasMessageContaining("expected: end not before start");
    }

    /** Always the same draw, to pin a point of the window. */
    static final class FixedRandom extends Random {
        private final double value;

        FixedRandom(double value) {
            this.value = value;
        }

        @Override
        public double nextDouble() {
            return value;
        }
    }
}
