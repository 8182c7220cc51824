package dev.gatehouse.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One problem found in a config file.
 *
 * @param file    the config file
 * @param line    1-based line
 * @param column  1-based column
 * @param message what is wrong and what was expected, e.g. {@code upstream "api": weight -3 (expected: 0..1000)}
 * @param hint    what to write instead, e.g. {@code did you mean "upstream"?}
 */
public record ConfigError(Path file, int line, int column, String message, Optional<String> hint) {

    /** {@code file:line:column: message (hint)}, the way compilers print errors. */
    public String format() {
        return file + ":" + line + ":" + column + ": " + message + hint.map(h -> " (" + h + ")").orElse("");
    }
}
