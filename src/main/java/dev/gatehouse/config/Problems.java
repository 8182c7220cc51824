package dev.gatehouse.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

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

    /**
     * Reports {@code path: message} at {@code offset} characters into a scalar's value: where in
     * {@code "{scheme}://{hots}"} the typo is. Exact for plain and quoted one-line values without escapes; other
     * scalars (block scalars, escapes before the offset) are reported at their start.
     */
    void atOffset(Node node, int offset, String path, String message) {
        int shift = -1;
        if (node instanceof ScalarNode s && s.getValue().indexOf('\n') < 0) {
            ScalarStyle style = s.getScalarStyle();
            if (style == ScalarStyle.PLAIN) {
                shift = offset;
            } else if (style == ScalarStyle.SINGLE_QUOTED && s.getValue().indexOf('\'') < 0
                    || style == ScalarStyle.DOUBLE_QUOTED && s.getValue().indexOf('\\') < 0
                    && s.getValue().indexOf('"') < 0) {
                shift = offset + 1; // the opening quote
            }
        }
        if (shift < 0 || node.getStartMark().isEmpty()) {
            at(node, path, message);
            return;
        }
        Mark start = node.getStartMark().get();
        errors.add(new ConfigError(file, start.getLine() + 1, start.getColumn() + 1 + shift,
                (path.isEmpty() ? "" : path + ": ") + message, Optional.empty()));
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
