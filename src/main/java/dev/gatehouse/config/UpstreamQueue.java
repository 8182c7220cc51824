package dev.gatehouse.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Where requests wait when every usable target is at its {@code max_requests}, written
 * {@code queue: { size: 100, timeout: 5s }}. A full queue or a wait past {@code timeout} answers
 * 503 with {@code Retry-After}.
 *
 * @param size    requests that may wait at once, 0..100000 (default 100; 0 answers 503 at once)
 * @param timeout longest wait (default 5s)
 */
public record UpstreamQueue(int size, Duration timeout) {
    public static final UpstreamQueue DEFAULT = new UpstreamQueue(100, Duration.ofSeconds(5));

    public UpstreamQueue {
        Objects.requireNonNull(timeout, "timeout");
    }
}
