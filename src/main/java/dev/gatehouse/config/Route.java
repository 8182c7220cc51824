package dev.gatehouse.config;

/**
 * A route: what to match and what to do.
 *
 * @param match  conditions, all of which must hold ({@link RouteMatch#ANY} when none)
 * @param action what to do with a matching request
 */
public record Route(RouteMatch match, Action action) {
}
