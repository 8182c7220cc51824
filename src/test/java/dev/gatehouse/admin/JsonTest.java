package dev.gatehouse.admin;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    @Test
    void writesNestedValuesWithEscapes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\n\u0001");
        m.put("n", 5);
        m.put("b", true);
        m.put("none", Optional.empty());
        m.put("list", List.of(1, "x"));
        assertThat(Json.write(m)).isEqualTo("{\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"n\":5,\"b\":true,\"none\":null,"
                + "\"list\":[1,\"x\"]}");
    }

    @Test
    void parsesFlatObjects() {
        assertThat(Json.parseFlatObject(" { \"address\" : \"127.0.0.1:8080\", \"weight\": 100 } "))
                .containsExactly(Map.entry("address", "127.0.0.1:8080"), Map.entry("weight", new BigDecimal("100")));
        assertThat(Json.parseFlatObject("{}")).isEmpty();
        assertThat(Json.parseFlatObject("{\"a\":\"\\u0041\\/\"}")).containsEntry("a", "A/");
    }

    @Test
    void rejectsWhatIsNotAFlatObjectSayingWhatWasExpected() {
        assertThatThrownBy(() -> Json.parseFlatObject("")).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> Json.parseFlatObject("{\"a\": 1")).hasMessageContaining("expected ',' or '}'");
        assertThatThrownBy(() -> Json.parseFlatObject("{\"a\": true}"))
                .hasMessageContaining("a string or a number as the value of \"a\"");
        assertThatThrownBy(() -> Json.parseFlatObject("{\"a\": {}}")).hasMessageContaining("at character 7");
        assertThatThrownBy(() -> Json.parseFlatObject("{\"a\": 1, \"a\": 2}")).hasMessageContaining("twice");
        assertThatThrownBy(() -> Json.parseFlatObject("{} x")).hasMessageContaining("the end of the body");
    }

    @Test
    void parsesAnyDocumentForTheCommandLine() {
        Object doc = Json.parse(" {\"a\": [1, \"x\", true, null, {\"b\": false}], \"c\": {}, \"d\": []} ");
        assertThat(doc).isEqualTo(Map.of("a", java.util.Arrays.asList(new BigDecimal("1"), "x", true, null,
                Map.of("b", false)), "c", Map.of(), "d", List.of()));
        assertThat(Json.parse("\"text\"")).isEqualTo("text");
        assertThat(Json.parse(Json.write(Map.of("k", List.of(1, "v"))))).isEqualTo(Map.of("k",
                List.of(new BigDecimal("1"), "v")));
        assertThatThrownBy(() -> Json.parse("[1, 2")).hasMessageContaining("expected ',' or ']'");
        assertThatThrownBy(() -> Json.parse("{} {}")).hasMessageContaining("the end of the body after the value");
    }
}
