/**
 * Rate and concurrency limits: GCRA buckets ({@link dev.gatehouse.limits.Gcra}) kept in a
 * {@link dev.gatehouse.limits.CounterStore} (this process's memory by default; the interface is small enough for a
 * shared store), and per-key in-flight counters ({@link dev.gatehouse.limits.ConcurrencyLimiter}). Knows nothing of
 * HTTP: the request stages turn requests into {@link dev.gatehouse.limits.BucketKey}s and verdicts into answers.
 */
package dev.gatehouse.limits;
