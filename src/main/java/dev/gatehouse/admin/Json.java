package dev.gatehouse.admin;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Just enough JSON for the admin API: a writer for maps, lists, strings, numbers, booleans and {@code Optional}s
 * (empty writes {@code null}), a parser for the flat request bodies (values are strings or numbers), and a parser for
 * any document, for the command line reading the API's answers.
 */
final class Json {
    private Json() {
    }

    /** Writes {@code value} as JSON. */
    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        if (value instanceof Optional<?> o) {
            write(o.orElse(null), out);
        } else if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(s, out);
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> m) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(String.valueOf(e.getKey()), out);
                out.append(':');
                write(e.getValue(), out);
            }
            out.append('}');
        } else if (value instanceof List<?> l) {
            out.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(l.get(i), out);
            }
            out.append(']');
        } else {
            string(value.toString(), out);
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Parses a flat object: {@code {"key": "text" or number, ...}}. Strings come back as {@link String}, numbers as
     * {@link BigDecimal}.
     *
     * @throws IllegalArgumentException saying what was expected where
     */
    static Map<String, Object> parseFlatObject(String text) {
        Parser p = new Parser(text, false);
        Map<String, Object> out = p.object();
        p.end();
        return out;
    }

    /**
     * Parses any JSON document: objects come back as {@code Map<String, Object>} (in document order), arrays as
     * {@code List<Object>}, strings as {@link String}, numbers as {@link BigDecimal}, then {@link Boolean} and null.
     *
     * @throws IllegalArgumentException saying what was expected where
     */
    static Object parse(String text) {
        Parser p = new Parser(text, true);
        p.skipSpace();
        Object out = p.value("a JSON value");
        p.end();
        return out;
    }

    private static final class Parser {
        private final String s;
        /** Whether values may be objects, arrays, booleans and null (request bodies allow strings and numbers). */
        private final boolean any;
        private int i;

        Parser(String s, boolean any) {
            this.s = s;
            this.any = any;
        }

        Object value(String what) {
            char c = peek(what);
            if (c == '"') {
                return string();
            }
            if (any && c == '{') {
                return object();
            }
            if (any && c == '[') {
                return array();
            }
            if (any && (c == 't' || c == 'f' || c == 'n')) {
                for (String word : new String[] {"true", "false", "null"}) {
                    if (s.startsWith(word, i)) {
                        i += word.length();
                        return word.equals("null") ? null : Boolean.valueOf(word);
                    }
                }
            }
            return number(what);
        }

        private List<Object> array() {
            List<Object> out = new ArrayList<>();
            expect('[', "'['");
            skipSpace();
            if (peek("a value or ']'") == ']') {
                i++;
                return out;
            }
            while (true) {
                skipSpace();
                out.add(value("a value"));
                skipSpace();
                if (i < s.length() && s.charAt(i) == ',') {
                    i++;
                } else {
                    expect(']', "',' or ']'");
                    return out;
                }
            }
        }

        void end() {
            skipSpace();
            if (i < s.length()) {
                throw error("the end of the body after the " + (any ? "value" : "object"));
            }
        }

        Map<String, Object> object() {
            Map<String, Object> out = new LinkedHashMap<>();
            skipSpace();
            expect('{', "a JSON object like {\"address\": \"127.0.0.1:8080\", \"weight\": 100}");
            skipSpace();
            if (peek("a '\"' or '}'") == '}') {
                i++;
            } else {
                while (true) {
                    skipSpace();
                    String key = string();
                    skipSpace();
                    expect(':', "':' after \"" + key + "\"");
                    skipSpace();
                    Object value = any ? value("a value for \"" + key + "\"")
                            : peek("a value for \"" + key + "\"") == '"' ? string()
                            : number("a string or a number as the value of \"" + key + "\"");
                    if (out.put(key, value) != null) {
                        throw new IllegalArgumentException("\"" + key + "\" is given twice");
                    }
                    skipSpace();
                    if (i < s.length() && s.charAt(i) == ',') {
                        i++;
                    } else {
                        expect('}', "',' or '}'");
                        break;
                    }
                }
            }
            return out;
        }

        private String string() {
            expect('"', "a string in double quotes");
            StringBuilder out = new StringBuilder();
            while (true) {
                if (i >= s.length()) {
                    throw error("a closing '\"'");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\') {
                    if (i >= s.length()) {
                        throw error("an escape after '\\'");
                    }
                    char e = s.charAt(i++);
                    switch (e) {
                        case '"', '\\', '/' -> out.append(e);
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        case 'r' -> out.append('\r');
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'u' -> {
                            if (i + 4 > s.length()) {
                                throw error("four hex digits after \\u");
                            }
                            try {
                                out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            } catch (NumberFormatException ex) {
                                throw error("four hex digits after \\u");
                            }
                            i += 4;
                        }
                        default -> throw error("a JSON escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
                    }
                } else if (c < 0x20) {
                    throw error("no control characters inside a string");
                } else {
                    out.append(c);
                }
            }
        }

        private BigDecimal number(String what) {
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            try {
                return new BigDecimal(s.substring(start, i));
            } catch (NumberFormatException e) {
                i = start;
                throw error(what);
            }
        }

        private char peek(String what) {
            if (i >= s.length()) {
                throw error(what);
            }
            return s.charAt(i);
        }

        private void expect(char c, String what) {
            if (i >= s.length() || s.charAt(i) != c) {
                throw error(what);
            }
            i++;
        }

        void skipSpace() {
            while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
        }

        private IllegalArgumentException error(String expected) {
            String at = i >= s.length() ? "at the end of the body" : "at character " + (i + 1);
            return new IllegalArgumentException("expected " + expected + " " + at);
        }
    }
}
