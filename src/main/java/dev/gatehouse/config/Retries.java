package dev.gatehouse.config;

/**
 * How failed requests are retried on another target, written {@code retries: { attempts: 2, budget: 20% }}.
 * A connection refused or reset before the request was sent is always retried on another target (nothing reached
 * the upstream), outside these bounds. Other failures (a timeout, a connection lost after sending) are retried only
 * for idempotent methods whose body had not started to stream. Responses are never retried, whatever their status.
 *
 * @param attempts      retries after the first try, 0..10 (default 2); 0 turns such retries off
 * @param budgetPercent retries allowed as a share of the pool's requests over the last 10 seconds (default 20%),
 *                      so retries never multiply an outage; a few retries per window are always allowed
 */
public record Retries(int attempts, int budgetPercent) {
    public static final Retries DEFAULT = new Retries(2, 20);
}
