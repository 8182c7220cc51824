package dev.gatehouse.config;

/**
 * The settings of one stage key ({@code http}, {@code hsts}, and the rules later keys add) as written at a site or a
 * route. Each key has its own record (or enum) implementing this; {@link StageKeys} lists the keys, their readers
 * and where they may be written, and the {@code stages} package turns each into a request stage.
 */
public interface StageConfig {
}
