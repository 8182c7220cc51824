package dev.gatehouse.config;

import java.util.Map;

/**
 * A route: what to match, what to do, and the stage keys that replace its site's for this route.
 *
 * @param match  conditions, all of which must hold ({@link RouteMatch#ANY} when none)
 * @param action what to do with a matching request
 * @param stages stage keys written at the route ({@link StageKeys}), by key
 */
public record Route(RouteMatch match, Action action, Map<String, StageConfig> stages) {
    public Route {
        stages = Map.copyOf(stages);
    }

    public Route(RouteMatch match, Action action) {
        this(match, action, Map.of());
    }
}
