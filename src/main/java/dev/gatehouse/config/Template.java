package dev.gatehouse.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A config value with placeholders, parsed once at load: {@code "{scheme}://{host}{uri}"}, {@code "{client_ip}"},
 * {@code "{header.X-Tenant}"}. Text outside braces is literal; {@code {{} is a literal brace. Used by header rules
 * and redirect targets; the {@code stages} and {@code routing} packages expand it per request without parsing.
 *
 * @param parts literal text and placeholders, in order; adjacent literals are joined
 */
public record Template(List<Part> parts) {

    /** A piece of a template. */
    public sealed interface Part {
    }

    /** Text taken as written. */
    public record Literal(String text) implements Part {
        public Literal {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A value of the request, filled in per request.
     *
     * @param field  which value
     * @param header for {@link Field#HEADER}: the request header's name, lower case; empty otherwise
     */
    public record Placeholder(Field field, Optional<String> header) implements Part {
        public Placeholder {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(header, "header");
        }
    }

    /** What a placeholder stands for. */
    public enum Field {
        /** The client's address ({@code 192.0.2.1}, {@code 2001:db8::1}). */
        CLIENT_IP("client_ip"),
        /** The host the request was for, lower case, without port. */
        HOST("host"),
        /** {@code http} or {@code https}. */
        SCHEME("scheme"),
        /** The path the client asked for, as sent (percent-encoded), without the query. */
        PATH("path"),
        /** The query string without {@code ?}; empty when there is none. */
        QUERY("query"),
        /** Path and query as the client sent them. */
        URI("uri"),
        /** The request id (X-Request-Id). */
        REQUEST_ID("request_id"),
        /** The site's name as written in the config. */
        SITE("site"),
        /** The upstream target the request went to ({@code 10.0.0.5:8080}); empty when none. */
        UPSTREAM_TARGET("upstream_target"),
        /** {@code {header.NAME}}: a request header's value (several joined with ", "); empty when absent. */
        HEADER("header.NAME");

        private final String configName;

        Field(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }
    }

    /** Why a text is not a template: the message and the offset in the text where the problem is. */
    static final class Invalid extends IllegalArgumentException {
        final int offset;

        Invalid(int offset, String message) {
            super(message);
            this.offset = offset;
        }
    }

    private static final String TOKEN_CHARS = "!#$%&'*+.^_`|~-";

    public Template {
        parts = List.copyOf(parts);
    }

    /** A template without placeholders. */
    public static Template literal(String text) {
        return new Template(text.isEmpty() ? List.of() : List.of(new Literal(text)));
    }

    /** Whether there are no placeholders: the value is the same for every request. */
    public boolean isConstant() {
        return parts.stream().allMatch(p -> p instanceof Literal);
    }

    /** The text of a template without placeholders. */
    public String constant() {
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            if (!(p instanceof Literal l)) {
                throw new IllegalStateException("not a constant template: " + this);
            }
            sb.append(l.text());
        }
        return sb.toString();
    }

    /** Whether any placeholder stands for {@code field}. */
    public boolean uses(Field field) {
        return parts.stream().anyMatch(p -> p instanceof Placeholder ph && ph.field() == field);
    }

    /** The template as it would be written in the config. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            if (p instanceof Literal l) {
                sb.append(l.text().replace("{", "{{"));
            } else if (p instanceof Placeholder ph) {
                sb.append('{').append(ph.field() == Field.HEADER ? "header." + ph.header().orElseThrow()
                        : ph.field().configName()).append('}');
            }
        }
        return sb.toString();
    }

    /**
     * Parses {@code text}.
     *
     * @throws Invalid at the offending offset: an unknown placeholder, a brace never closed, a bad header name
     */
    static Template parse(String text) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '{') {
                literal.append(c);
                i++;
                continue;
            }
            if (i + 1 < text.length() && text.charAt(i + 1) == '{') {
                literal.append('{');
                i += 2;
                continue;
            }
            int close = text.indexOf('}', i);
            if (close < 0) {
                throw new Invalid(i, "\"{\" is never closed (expected: a placeholder like {host}, or {{ for a "
                        + "literal brace)");
            }
            String name = text.substring(i + 1, close);
            if (!literal.isEmpty()) {
                parts.add(new Literal(literal.toString()));
                literal.setLength(0);
            }
            parts.add(placeholder(name, i));
            i = close + 1;
        }
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal.toString()));
        }
        return new Template(parts);
    }

    private static Placeholder placeholder(String name, int offset) {
        if (name.startsWith("header.")) {
            String header = name.substring("header.".length());
            if (header.isEmpty() || !header.chars().allMatch(Template::isTokenChar)) {
                throw new Invalid(offset, "\"{" + name + "}\" does not name a header (expected: like "
                        + "{header.X-Tenant})");
            }
            return new Placeholder(Field.HEADER, Optional.of(header.toLowerCase(Locale.ROOT)));
        }
        for (Field f : Field.values()) {
            if (f != Field.HEADER && f.configName().equals(name)) {
                return new Placeholder(f, Optional.empty());
            }
        }
        throw new Invalid(offset, "unknown placeholder \"{" + name + "}\" (expected: " + names()
                + "; {{ for a literal brace)");
    }

    /** The placeholders, as a user writes them, for messages. */
    static String names() {
        StringBuilder sb = new StringBuilder();
        for (Field f : Field.values()) {
            sb.append(sb.isEmpty() ? "" : ", ").append('{').append(f.configName()).append('}');
        }
        return sb.toString();
    }

    private static boolean isTokenChar(int c) {
        return c < 128 && (Character.isLetterOrDigit(c) || TOKEN_CHARS.indexOf(c) >= 0);
    }
}
