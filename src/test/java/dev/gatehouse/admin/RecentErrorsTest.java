package dev.gatehouse.admin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RecentErrorsTest {
    private final LoggerContext context = new LoggerContext();
    private final RecentErrors errors = new RecentErrors(3);

    private void log(Level level, String message, long millis) {
        LoggingEvent e = new LoggingEvent("test", context.getLogger("dev.gatehouse.proxy.ProxyFlow"), level, message,
                null, null);
        e.setTimeStamp(millis);
        errors.append(e);
    }

    @Test
    void aRepeatedErrorCountsOnTheFirstAndBecomesTheNewest() {
        log(Level.WARN, "upstream=api target=10.0.0.5:8080 connect refused", 1000);
        log(Level.ERROR, "disk full", 2000);
        log(Level.WARN, "upstream=api target=10.0.0.5:8080 connect refused", 3000);
        log(Level.WARN, "upstream=api target=10.0.0.5:8080 connect refused", 4000);

        List<RecentErrors.Event> recent = errors.recent(10);

        assertThat(recent).extracting(RecentErrors.Event::message)
                .containsExactly("upstream=api target=10.0.0.5:8080 connect refused", "disk full");
        assertThat(recent.get(0)).satisfies(e -> {
            assertThat(e.count()).isEqualTo(3);
            assertThat(e.first()).isEqualTo(Instant.ofEpochMilli(1000));
            assertThat(e.time()).isEqualTo(Instant.ofEpochMilli(4000));
            assertThat(e.logger()).isEqualTo("ProxyFlow");
        });
        assertThat(recent.get(1).count()).isEqualTo(1);
    }

    @Test
    void aStormOfOneErrorPushesNoOtherOut() {
        log(Level.ERROR, "the real error", 1);
        for (int i = 0; i < 1000; i++) {
            log(Level.WARN, "the same noise", 10 + i);
        }
        assertThat(errors.recent(10)).extracting(RecentErrors.Event::message)
                .containsExactly("the same noise", "the real error");
    }

    @Test
    void theLeastRecentlySeenGoesFirstWhenFull() {
        log(Level.WARN, "a", 1);
        log(Level.WARN, "b", 2);
        log(Level.WARN, "c", 3);
        log(Level.WARN, "a", 4);
        log(Level.WARN, "d", 5);
        log(Level.INFO, "not kept", 6);

        assertThat(errors.recent(10)).extracting(RecentErrors.Event::message).containsExactly("d", "a", "c");
        assertThat(errors.recent(2)).extracting(RecentErrors.Event::message).containsExactly("d", "a");
    }

    @Test
    void theSameTextAtAnotherLevelIsAnotherError() {
        log(Level.WARN, "x", 1);
        log(Level.ERROR, "x", 2);
        assertThat(errors.recent(10)).extracting(RecentErrors.Event::level).containsExactly("ERROR", "WARN");
    }
}
