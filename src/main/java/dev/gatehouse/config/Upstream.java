package dev.gatehouse.config;

import java.util.List;

/**
 * An upstream pool.
 *
 * @param name    pool name, as referenced by {@code upstream:} in sites and routes
 * @param targets the pool's targets (at least one)
 */
public record Upstream(String name, List<Target> targets) {
    public Upstream {
        targets = List.copyOf(targets);
    }
}
