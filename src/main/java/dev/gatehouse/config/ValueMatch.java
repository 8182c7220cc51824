package dev.gatehouse.config;

import java.util.Optional;

/**
 * A header or query-parameter condition: {@code name: value} requires that exact value,
 * {@code name: "*"} only requires presence, {@code name: "~regex"} a full regex match.
 *
 * @param name  header name or query parameter name
 * @param value the expected value; empty means "present with any value"
 * @param regex whether {@code value} is a regular expression
 */
public record ValueMatch(String name, Optional<String> value, boolean regex) {
}
