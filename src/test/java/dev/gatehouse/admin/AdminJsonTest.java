package dev.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdminJsonTest {
    private static final String EXAMPLE = "{\"address\": \"127.0.0.1:8080\"}";

    @Test
    void writesNestedValuesWithEscapesAndOptionals() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\n\u0001é");
        m.put("n", 5);
        m.put("big", 12345678901L);
        m.put("b", true);
        m.put("none", Optional.empty());
        m.put("some", Optional.of("x"));
        m.put("list", List.of(1, "x"));
        m.put("nested", Map.of("k", List.of()));

        assertThat(AdminJson.write(m)).isEqualTo("{\"s\":\"a\\\"b\\\\c\\n\\u0001é\",\"n\":5,\"big\":12345678901,"
                + "\"b\":true,\"none\":null,\"some\":\"x\",\"list\":[1,\"x\"],\"nested\":{\"k\":[]}}");
    }

    @Test
    void readsObjectsAsPlainValuesInDocumentOrder() {
        Map<String, Object> body = AdminJson.parseObject(
                " { \"address\" : \"127.0.0.1:8080\", \"weight\": 100, \"steps\": [10, 50.5], \"on\": true } ", EXAMPLE);

        assertThat(body).containsExactly(Map.entry("address", "127.0.0.1:8080"), Map.entry("weight", new BigDecimal("100")),
                Map.entry("steps", List.of(new BigDecimal("10"), new BigDecimal("50.5"))), Map.entry("on", true));
        assertThat(AdminJson.parseObject("{}", EXAMPLE)).isEmpty();
        assertThat(AdminJson.parseObject("{\"a\":\"\\u0041\\/\"}", EXAMPLE)).containsEntry("a", "A/");
    }

    @Test
    void rejectsWhatIsNotOneObjectSayingWhatAndWhere() {
        assertThatThrownBy(() -> AdminJson.parseObject("", EXAMPLE))
                .hasMessage("expected a JSON object like " + EXAMPLE + ", got an empty body");
        assertThatThrownBy(() -> AdminJson.parseObject("[1]", EXAMPLE)).hasMessage("expected a JSON object like " + EXAMPLE);
        assertThatThrownBy(() -> AdminJson.parseObject("{\"a\": 1", EXAMPLE))
                .hasMessageContaining("expected").hasMessageContaining("at line 1, column 8");
        assertThatThrownBy(() -> AdminJson.parseObject("{\"a\": 1, \"a\": 2}", EXAMPLE))
                .hasMessageContaining("Duplicate Object property \"a\"");
        assertThatThrownBy(() -> AdminJson.parseObject("{} {}", EXAMPLE)).hasMessageContaining("Trailing token");
        assertThatThrownBy(() -> AdminJson.parseObject("{\"a\": 1,\n \"b\" 2}", EXAMPLE))
                .hasMessageContaining("at line 2, column");
    }

    @Test
    void readsAnyDocumentForTheCommandLine() {
        Object doc = AdminJson.parse(" {\"a\": [1, \"x\", true, null, {\"b\": false}], \"c\": {}, \"d\": []} ");

        assertThat(doc).isEqualTo(Map.of("a", Arrays.asList(new BigDecimal("1"), "x", true, null,
                Map.of("b", false)), "c", Map.of(), "d", List.of()));
        assertThat(AdminJson.parse("\"text\"")).isEqualTo("text");
        assertThat(AdminJson.parse(AdminJson.write(Map.of("k", List.of(1, "v")))))
                .isEqualTo(Map.of("k", List.of(new BigDecimal("1"), "v")));
        assertThatThrownBy(() -> AdminJson.parse("[1, 2")).hasMessageContaining("expected");
    }
}
