package dev.gatehouse.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Collects every error found while reading a config, so the user sees them all in one run instead of fixing
 * one, re-running, and meeting the next.
 */
final class Problems {
    private final Path file;
    private final List<ConfigError> errors = new ArrayList<>();

    Problems(Path file) {
        this.file = file;
    }

    /** Reports {@code path: message} at the node's start. */
    void at(Node node, String path, String message) {
        at(node, path, message, null);
    }

    /** Reports {@code path: message} at the node's start, with a hint (may be null). */
    void at(Node node, String path, String message, String hint) {
        at(node.getStartMark(), (path.isEmpty() ? "" : path + ": ") + message, hint);
    }

    /** Reports at a YAML mark; without a mark (never expected, marks are on) at 1:1. */
    void at(Optional<Mark> mark, String message, String hint) {
        int line = mark.map(m -> m.getLine() + 1).orElse(1);
        int column = mark.map(m -> m.getColumn() + 1).orElse(1);
        errors.add(new ConfigError(file, line, column, message, Optional.ofNullable(hint)));
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    /** All errors in file order (cross-reference checks run last but their errors sort into place). */
    List<ConfigError> sorted() {
        List<ConfigError> out = new ArrayList<>(errors);
        out.sort(Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
        return out;
    }
}
