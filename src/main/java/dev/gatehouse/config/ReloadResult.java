package dev.gatehouse.config;

import java.util.List;
import java.util.Objects;

/**
 * What a reload did: whether the new config was applied, the errors that kept it out (each {@code file:line:column:
 * message} for config errors), and a readable list of what changed.
 *
 * @param applied whether the new config is now serving; when false the running config keeps serving, unchanged
 * @param errors  why it was refused; empty when applied
 * @param changes what changed, one line each (e.g. {@code site "a.example.com" added}); empty when nothing did
 */
public record ReloadResult(boolean applied, List<String> errors, List<String> changes) {
    public ReloadResult {
        Objects.requireNonNull(errors, "errors");
        Objects.requireNonNull(changes, "changes");
        errors = List.copyOf(errors);
        changes = List.copyOf(changes);
    }

    public static ReloadResult refused(List<String> errors) {
        return new ReloadResult(false, errors, List.of());
    }

    public static ReloadResult applied(List<String> changes) {
        return new ReloadResult(true, List.of(), changes);
    }
}
