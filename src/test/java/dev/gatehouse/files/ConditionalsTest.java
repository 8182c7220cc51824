package dev.gatehouse.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class ConditionalsTest {

    private static final long MTIME = 1_709_294_400_123L; // 2024-03-01T12:00:00.123Z
    private final Conditionals validators = Conditionals.of(21, MTIME, MTIME + 60_000);

    private static HttpHeaders headers(String... namesAndValues) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }

    @Test
    void etagIsQuotedStrongAndChangesWithSizeOrTime() {
        assertThat(validators.etag()).startsWith("\"").endsWith("\"").doesNotStartWith("W/");
        assertThat(Conditionals.of(22, MTIME, MTIME).etag()).isNotEqualTo(validators.etag());
        assertThat(Conditionals.of(21, MTIME + 1, MTIME + 1).etag()).isNotEqualTo(validators.etag());
        assertThat(validators.lastModified()).isEqualTo("Fri, 01 Mar 2024 12:00:00 GMT");
    }

    @Test
    void lastModifiedNeverInTheFuture() {
        assertThat(Conditionals.of(1, MTIME + 3_600_000, MTIME).lastModifiedSeconds()).isEqualTo(MTIME / 1000);
    }

    @Test
    void ifNoneMatchListsWithCommasInsideTags() {
        String etag = validators.etag();
        assertThat(validators.evaluate(headers("If-None-Match", "\"a,b\", " + etag))).isEqualTo(Conditionals.Outcome.NOT_MODIFIED);
        assertThat(validators.evaluate(headers("If-None-Match", "\"a\"", "If-None-Match", etag))).isEqualTo(Conditionals.Outcome.NOT_MODIFIED);
        assertThat(validators.evaluate(headers("If-None-Match", "\"a," + etag.substring(1)))).isEqualTo(Conditionals.Outcome.PROCEED);
        assertThat(validators.evaluate(headers("If-None-Match", "garbage"))).isEqualTo(Conditionals.Outcome.PROCEED);
    }

    @Test
    void ifMatchUsesStrongComparisonAndIfUnmodifiedSince() {
        assertThat(validators.evaluate(headers("If-Match", "W/" + validators.etag()))).isEqualTo(Conditionals.Outcome.PRECONDITION_FAILED);
        assertThat(validators.evaluate(headers("If-Match", "*"))).isEqualTo(Conditionals.Outcome.PROCEED);
        assertThat(validators.evaluate(headers("If-Unmodified-Since", "Thu, 29 Feb 2024 00:00:00 GMT")))
                .isEqualTo(Conditionals.Outcome.PRECONDITION_FAILED);
        assertThat(validators.evaluate(headers("If-Unmodified-Since", "Fri, 01 Mar 2024 12:00:00 GMT")))
                .isEqualTo(Conditionals.Outcome.PROCEED);
    }

    @Test
    void ifModifiedSinceComparesWholeSeconds() {
        assertThat(validators.evaluate(headers("If-Modified-Since", "Fri, 01 Mar 2024 12:00:00 GMT")))
                .isEqualTo(Conditionals.Outcome.NOT_MODIFIED);
        assertThat(validators.evaluate(headers("If-Modified-Since", "Fri, 01 Mar 2024 11:59:59 GMT")))
                .isEqualTo(Conditionals.Outcome.PROCEED);
    }

    @Test
    void ifRange() {
        assertThat(validators.rangeAllowed(headers())).isTrue();
        assertThat(validators.rangeAllowed(headers("If-Range", validators.etag()))).isTrue();
        assertThat(validators.rangeAllowed(headers("If-Range", "W/" + validators.etag()))).isFalse();
        assertThat(validators.rangeAllowed(headers("If-Range", "Fri, 01 Mar 2024 12:00:00 GMT"))).isTrue();
        assertThat(validators.rangeAllowed(headers("If-Range", "Fri, 01 Mar 2024 12:00:01 GMT"))).isFalse();
        assertThat(validators.rangeAllowed(headers("If-Range", "nonsense"))).isFalse();
    }
}
