package dev.gatehouse.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Active health checks of a pool's targets, written
 * {@code health: { path: /health, interval: 10s, timeout: 3s, healthy: 2, unhealthy: 3, status: 200-399 }}.
 * Every target is checked on its own schedule, over a fresh connection each time.
 *
 * @param path      request path and query (default {@code /})
 * @param host      Host header (default: the target's {@code host:port})
 * @param method    request method (default {@code GET}; {@code HEAD} also makes sense)
 * @param interval  time between checks of one target (default 10s)
 * @param timeout   connect plus response within this, else the check failed (default 3s)
 * @param healthy   consecutive passed checks that make an unhealthy target healthy (default 2)
 * @param unhealthy consecutive failed checks that make a healthy target unhealthy (default 3)
 * @param status    accepted statuses, e.g. {@code 200-399} or {@code [200, 204, 301-308]} (default 200-399)
 * @param body      a substring the response body must contain (default: any body); the first 64 KiB are read
 * @param port      port to check instead of the target's own (default: the target's)
 */
public record HealthCheck(String path, Optional<String> host, String method, Duration interval, Duration timeout,
                          int healthy, int unhealthy, List<StatusRange> status, Optional<String> body,
                          OptionalInt port) {
    public static final String DEFAULT_PATH = "/";
    public static final String DEFAULT_METHOD = "GET";
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);
    public static final int DEFAULT_HEALTHY = 2;
    public static final int DEFAULT_UNHEALTHY = 3;
    public static final List<StatusRange> DEFAULT_STATUS = List.of(new StatusRange(200, 399));

    public HealthCheck {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        status = List.copyOf(status);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(port, "port");
    }

    /** A check of {@code path} with every other field at its default. */
    public static HealthCheck of(String path) {
        return new HealthCheck(path, Optional.empty(), DEFAULT_METHOD, DEFAULT_INTERVAL, DEFAULT_TIMEOUT,
                DEFAULT_HEALTHY, DEFAULT_UNHEALTHY, DEFAULT_STATUS, Optional.empty(), OptionalInt.empty());
    }

    /** Whether a response status passes the check. */
    public boolean accepts(int code) {
        for (StatusRange r : status) {
            if (r.contains(code)) {
                return true;
            }
        }
        return false;
    }

    /** Statuses {@code from..to}, both included; one status is a range of one. */
    public record StatusRange(int from, int to) {
        public boolean contains(int code) {
            return code >= from && code <= to;
        }

        @Override
        public String toString() {
            return from == to ? Integer.toString(from) : from + "-" + to;
        }
    }
}
