package dev.gatehouse.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 9110 §5.6.7: the three HTTP-date forms, and nothing else. */
class HttpDatesTest {
    private static final long NOV_6_1994 = Instant.parse("1994-11-06T08:49:37Z").toEpochMilli();

    @ParameterizedTest
    @ValueSource(strings = {"Sun, 06 Nov 1994 08:49:37 GMT", "SUN, 06 NOV 1994 08:49:37 gmt",
        "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", " Sun, 06 Nov 1994 08:49:37 GMT "})
    @DisplayName("IMF-fixdate, rfc850-date and asctime-date, names in any case")
    void accepted(String text) {
        assertThat(HttpDates.parse(text)).isEqualTo(NOV_6_1994);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "", "Thu, 18 Aug 2050 02:01:18 UTC", "Thu, 18 Aug 50 02:01:18 GMT",
        "Thu 18 Aug 2050 02:01:18 GMT", "Thu, 18  Aug  2050 02:01:18 GMT", "Thu, 18-Aug-2050 02:01:18 GMT",
        "Thu, 18 Aug 2050 02.01.18 GMT", "Thu, 18 Aug 2050 2:01:18 GMT", "Thu, 31 Feb 2050 02:01:18 GMT",
        "Thu, 18 Aug 2050 25:01:18 GMT", "Xyz, 18 Aug 2050 02:01:18 GMT"})
    @DisplayName("anything else is not a date")
    void refused(String text) {
        assertThat(HttpDates.parse(text)).isEqualTo(HttpDates.INVALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Thu, 18 Aug 2050 02:01:18 GMT"})
    @DisplayName("format writes IMF-fixdate that parses back")
    void roundTrip(String text) {
        assertThat(HttpDates.format(HttpDates.parse(text))).isEqualTo(text);
    }
}
