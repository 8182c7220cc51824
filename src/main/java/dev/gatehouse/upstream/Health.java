package dev.gatehouse.upstream;

/** What active checks know of a target. */
public enum Health {
    /** Not checked yet (or no checks configured): used unless the pool says {@code start: unhealthy-until-checked}. */
    UNKNOWN,
    HEALTHY,
    UNHEALTHY;

    /** Lower case, as logs and the admin API print it. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
