package dev.gatehouse.certificates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.acme.AcmeIssueException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OrderPacingTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final OrderPacing pacing = new OrderPacing(Clock.fixed(NOW, ZoneOffset.UTC));

    private static AcmeIssueException failure(String problem, Optional<Instant> retryAfter) {
        return new AcmeIssueException(List.of("a.example.com"), URI.create("https://ca.test/dir"),
                AcmeIssueException.Step.ORDER, Optional.empty(),
                Optional.ofNullable(problem).map(p -> new AcmeIssueException.Problem(URI.create(p), Optional.empty())),
                retryAfter, "CA refused", null);
    }

    @Test
    void ordersRunFreelyUntilTheCaSaysTooMany() {
        assertThat(pacing.heldUntil()).isEmpty();
        assertThat(pacing.learn(failure("urn:ietf:params:acme:error:unauthorized", Optional.empty())))
                .as("a failed validation is the order's own fault").isFalse();
        assertThat(pacing.heldUntil()).isEmpty();
    }

    @Test
    void aRateLimitHoldsNewOrdersUntilItsRetryAfter() {
        assertThat(pacing.learn(failure("urn:ietf:params:acme:error:rateLimited",
                Optional.of(NOW.plusSeconds(90))))).isTrue();

        assertThat(pacing.heldUntil()).contains(NOW.plusSeconds(90));
    }

    @Test
    void aRateLimitWithoutATimeHoldsAMinuteAndALongOneAtMostFifteen() {
        pacing.learn(failure("urn:ietf:params:acme:error:rateLimited", Optional.empty()));
        assertThat(pacing.heldUntil()).contains(NOW.plus(OrderPacing.DEFAULT_HOLD));

        pacing.learn(failure("urn:ietf:params:acme:error:rateLimited", Optional.of(NOW.plusSeconds(7 * 86_400))));
        assertThat(pacing.heldUntil()).contains(NOW.plus(OrderPacing.MAX_HOLD));
    }

    @Test
    void aRetryAfterOnAnyRefusalIsHonouredToo() {
        assertThat(pacing.learn(failure(null, Optional.of(NOW.plusSeconds(30))))).isTrue();
        assertThat(pacing.heldUntil()).contains(NOW.plusSeconds(30));

        pacing.learn(failure(null, Optional.of(NOW.plusSeconds(5))));
        assertThat(pacing.heldUntil()).as("an earlier time does not shorten the hold").contains(NOW.plusSeconds(30));
    }
}
