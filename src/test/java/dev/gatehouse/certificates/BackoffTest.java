package dev.gatehouse.certificates;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final RenewalPolicyTest.FixedRandom MIDDLE = new RenewalPolicyTest.FixedRandom(0.5); // no jitter
    private final Backoff backoff = new Backoff();

    @Test
    void doublesFromOneMinute() {
        assertThat(backoff.nextAttempt(1, NOW, Optional.empty(), MIDDLE)).isEqualTo(NOW.plus(Duration.ofMinutes(1)));
        assertThat(backoff.nextAttempt(2, NOW, Optional.empty(), MIDDLE)).isEqualTo(NOW.plus(Duration.ofMinutes(2)));
        assertThat(backoff.nextAttempt(5, NOW, Optional.empty(), MIDDLE)).isEqualTo(NOW.plus(Duration.ofMinutes(16)));
    }

    @Test
    void isCappedAtADayEvenAfterManyFailures() {
        assertThat(backoff.nextAttempt(12, NOW, Optional.empty(), MIDDLE)).isEqualTo(NOW.plus(Duration.ofHours(24)));
        assertThat(backoff.nextAttempt(Integer.MAX_VALUE, NOW, Optional.empty(), new Random(5)))
                .isBetween(NOW.plus(Duration.ofHours(21)), NOW.plus(Duration.ofHours(24)));
    }

    @Test
    void spreadsRetriesByTenPercent() {
        Random random = new Random(11);
        for (int i = 0; i < 1000; i++) {
            assertThat(backoff.nextAttempt(3, NOW, Optional.empty(), random))
                    .isBetween(NOW.plus(Duration.ofSeconds(216)), NOW.plus(Duration.ofSeconds(264)));
        }
    }

    @Test
    void honoursALaterRetryAfterAndIgnoresAnEarlierOne() {
        Instant later = NOW.plus(Duration.ofHours(3));
        Instant earlier = NOW.plusSeconds(5);

        assertThat(backoff.nextAttempt(1, NOW, Optional.of(later), MIDDLE)).isEqualTo(later);
        assertThat(backoff.nextAttempt(1, NOW, Optional.of(earlier), MIDDLE)).isEqualTo(NOW.plus(Duration.ofMinutes(1)));
    }

    @Test
    void capsAreConstructorArguments() {
        Backoff quick = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10));

        assertThat(quick.nextAttempt(4, NOW, Optional.empty(), MIDDLE)).isEqualTo(NOW.plusSeconds(8));
        assertThat(quick.nextAttempt(5, NOW, Optional.empty(), MIDDLE)).isEqualTo(NOW.plusSeconds(10));
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofHours(1))).hasMessage("initial: PT0S (expected: > 0)");
        assertThatThrownBy(() -> new Backoff(Duration.ofHours(2), Duration.ofHours(1)))
                .hasMessage("max: PT1H (expected: >= initial PT2H)");
        assertThatThrownBy(() -> backoff.nextAttempt(0, NOW, Optional.empty(), MIDDLE)).hasMessage("failures: 0 (expected: >= 1)");
    }
}
