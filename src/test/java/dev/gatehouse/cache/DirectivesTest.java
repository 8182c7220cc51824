package dev.gatehouse.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 9111 §5.2 (Cache-Control syntax) and §1.2.2 (delta-seconds). */
class DirectivesTest {

    @ParameterizedTest(name = "{0} -> max-age {1}")
    @CsvSource(delimiter = '|', value = {
        "max-age=3600|3600",
        "MaX-aGe=3600|3600",
        "max-age=003600|3600",
        "max-age=\"3600\"|3600",
        "foobar, max-age=3600|3600",
        "max-age=2147483648|2147483648",
        "max-age=99999999999|2147483648",
        "max-age=1800, max-age=1|1800",
        "max-age=a100|-1",
        "max-age=100a|-1",
        "max-age=-100|-1",
        "max-age='3600'|-1",
        "max-age =100|-1",
        "max-age= 100|-1",
        "max-age=3600.5|-1",
        "max-age=|-1",
    })
    @DisplayName("§1.2.2 delta-seconds: digits only, capped at 2^31, malformed values known as malformed")
    void deltaSeconds(String field, long expected) {
        assertThat(Directives.parse(field).seconds("max-age").getAsLong()).isEqualTo(expected);
    }

    @Test
    @DisplayName("§5.2: a directive name inside a quoted string is not a directive")
    void quotedStringsHideDirectives() {
        Directives d = Directives.parse("extension=\"max-age=100, no-store\", max-age=1");
        assertThat(d.seconds("max-age").getAsLong()).isEqualTo(1);
        assertThat(d.has("no-store")).isFalse();
        assertThat(Directives.parse("max-age=1, extension=\"max-age=100\"").seconds("max-age").getAsLong())
                .isEqualTo(1);
    }

    @Test
    @DisplayName("§4.2.1: several lines form one list; the first occurrence of a directive counts")
    void severalLines() {
        Directives d = Directives.parse(List.of("max-age=1800", "max-age=1, No-StOrE"));
        assertThat(d.seconds("max-age").getAsLong()).isEqualTo(1800);
        assertThat(d.has("no-store")).isTrue();
        assertThat(d.seconds("s-maxage")).isEmpty();
    }

    @Test
    @DisplayName("§5.2.2.4 and §5.2.2.7: qualified no-cache and private list field names; unqualified ones do not")
    void qualifiedForms() {
        Directives d = Directives.parse("no-cache=\"a, B\", private=x");
        assertThat(d.hasUnqualified("no-cache")).isFalse();
        assertThat(d.fieldNames("no-cache")).containsExactly("a", "b");
        assertThat(d.fieldNames("private")).containsExactly("x");
        assertThat(Directives.parse("no-cache").hasUnqualified("no-cache")).isTrue();
        assertThat(Directives.parse("no-cache").fieldNames("no-cache")).isEmpty();
    }

    @Test
    @DisplayName("an absent field is NONE; an empty one is present with no directives")
    void absentAndEmpty() {
        assertThat(Directives.parse(List.of()).present()).isFalse();
        assertThat(Directives.parse(List.of("")).present()).isTrue();
        assertThat(Directives.parse(List.of("")).isEmpty()).isTrue();
        assertThat(Directives.parse(", ,").isEmpty()).isTrue();
    }
}
