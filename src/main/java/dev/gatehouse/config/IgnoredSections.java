package dev.gatehouse.config;

import java.util.List;

/**
 * Sections users may already write but the model does not hold yet ({@code admin}): checked for shape now, so a
 * config that validates today keeps validating once they are read.
 */
final class IgnoredSections {
    private static final List<String> ADMIN_KEYS = List.of("listen");

    private final Values values;

    IgnoredSections(Values values) {
        this.values = values;
    }

    void check(YamlMap root) {
        root.get("admin").flatMap(n -> YamlMap.fields(n, "admin", ADMIN_KEYS, values.problems()))
                .ifPresent(admin -> values.string(admin, "listen")
                        .ifPresent(a -> values.parsed(admin.get("listen").orElseThrow(), admin.path("listen"), a,
                                HostPort::parse)));
    }
}
