package dev.gatehouse.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RFC 9213 (CDN-Cache-Control, an RFC 8941 dictionary) and Surrogate-Control. */
class TargetedFieldTest {

    @Test
    @DisplayName("RFC 9213 §2.1: integers, booleans and parameters parse; keys are lower case")
    void dictionary() {
        Directives d = TargetedField.structured(List.of("max-age=3600, no-store;a=1, foobar")).orElseThrow();
        assertThat(d.seconds("max-age").getAsLong()).isEqualTo(3600);
        assertThat(d.has("no-store")).isTrue();
        assertThat(d.has("foobar")).isTrue();
    }

    @Test
    @DisplayName("RFC 8941 §4.2: a field that does not parse is ignored whole")
    void invalidIgnored() {
        assertThat(TargetedField.structured(List.of("max-age=10000, &&&&&"))).isEmpty();
        assertThat(TargetedField.structured(List.of("MaX-aGe=3600"))).isEmpty();
        assertThat(TargetedField.structured(List.of("max-age =100"))).isEmpty();
        assertThat(TargetedField.structured(List.of("max-age=1,"))).isEmpty();
    }

    @Test
    @DisplayName("a delta-seconds directive of the wrong type is left out")
    void wrongType() {
        Directives d = TargetedField.structured(List.of("max-age=\"10000\"")).orElseThrow();
        assertThat(d.has("max-age")).isFalse();
    }

    @Test
    @DisplayName("RFC 9213 §2.2: the first valid, non-empty field of the target list is used")
    void selection() {
        assertThat(TargetedField.select(List.of("max-age=5"), List.of("max-age=9")).orElseThrow()
                .seconds("max-age").getAsLong()).isEqualTo(5);
        assertThat(TargetedField.select(List.of("&&"), List.of("max-age=9")).orElseThrow()
                .seconds("max-age").getAsLong()).isEqualTo(9);
        assertThat(TargetedField.select(List.of(), List.of())).isEmpty();
        assertThat(TargetedField.select(List.of(), List.of(""))).isEmpty();
    }

    @Test
    @DisplayName("Surrogate-Control: directives for this cache override general ones; those for others are ignored")
    void surrogateTargets() {
        Directives d = TargetedField.surrogate(List.of("max-age=60, no-store;gatehouse, max-age=9;other"));
        assertThat(d.seconds("max-age").getAsLong()).isEqualTo(60);
        assertThat(d.has("no-store")).isTrue();
        Directives mine = TargetedField.surrogate(List.of("max-age=60", "max-age=600;gatehouse"));
        assertThat(mine.seconds("max-age").getAsLong()).isEqualTo(600);
        assertThat(TargetedField.surrogate(List.of("max-age=3600;not-for-you")).isEmpty()).isTrue();
        assertThat(TargetedField.select(List.of(), List.of("max-age=3600;not-for-you"))).isEmpty();
        assertThat(TargetedField.surrogate(List.of("content=\"a;b\", max-age=5")).seconds("max-age").getAsLong())
                .isEqualTo(5);
    }
}
