package dev.gatehouse.admin;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin API's JSON, through Jackson: answers are written from maps, lists, strings, numbers, booleans and
 * {@code Optional}s (empty writes {@code null}); documents are read back as plain values (objects as
 * {@code Map<String, Object>} in document order, arrays as lists, numbers as {@link BigDecimal}), so request bodies
 * and the command line check what they got with {@code instanceof}.
 */
final class AdminJson {
    /** Thread-safe once built; duplicate keys and anything after the document are errors, not the last one wins. */
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private AdminJson() {
    }

    /** {@code value} as compact JSON. */
    static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    /**
     * Any JSON document as plain values.
     *
     * @throws IllegalArgumentException saying what was wrong and where
     */
    static Object parse(String text) {
        try {
            return plain(MAPPER.readTree(text));
        } catch (JacksonException e) {
            throw new IllegalArgumentException(describe(e), e);
        }
    }

    /**
     * A request body that must be one JSON object.
     *
     * @param example what a good body looks like, for the message
     * @throws IllegalArgumentException saying what was wrong and where
     */
    static Map<String, Object> parseObject(String text, String example) {
        Object value = text.isBlank() ? null : parse(text);
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("expected a JSON object like " + example + (text.isBlank()
                    ? ", got an empty body" : ""));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) map;
        return object;
    }

    private static Object plain(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            node.properties().forEach(e -> out.put(e.getKey(), plain(e.getValue())));
            return out;
        }
        if (node.isArray()) {
            List<Object> out = new ArrayList<>(node.size());
            node.values().forEach(v -> out.add(plain(v)));
            return out;
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node.asString();
    }

    /** Jackson's own words without the source dump, and the place: "... at line 1, column 12". */
    private static String describe(JacksonException e) {
        String message = e.getOriginalMessage();
        int cut = message.indexOf("\n");
        message = cut < 0 ? message : message.substring(0, cut);
        TokenStreamLocation at = e.getLocation();
        return at == null || at.getLineNr() < 0 ? message
                : message + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
}
