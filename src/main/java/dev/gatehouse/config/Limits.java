package dev.gatehouse.config;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * Request size and connection limits, written under {@code limits:}. Sizes are written like {@code 10mb},
 * {@code 8kb}, {@code 1gb}.
 *
 * @param maxBody        request body (default 1 GiB; 0 means unlimited); exceeded: 413
 * @param maxUri         request line's URI (default 8 KiB); exceeded: 414
 * @param maxHeaders     all request header lines together (default 32 KiB); exceeded: 431
 * @param maxConnections client connections open at once over the http and https listeners (default
 *                       {@link #defaultMaxConnections()}); more are closed as they arrive
 */
public record Limits(long maxBody, int maxUri, int maxHeaders, int maxConnections) {
    /** The default's ceiling, nginx's order of magnitude for one worker process ({@code worker_connections}). */
    public static final int MAX_CONNECTIONS_CEILING = 10_000;
    public static final Limits DEFAULTS = new Limits(1L << 30, 8 * 1024, 32 * 1024, defaultMaxConnections());

    /**
     * The lower of {@value #MAX_CONNECTIONS_CEILING} and half the process's descriptor limit: every proxied client
     * connection may need an upstream connection, and files and listeners need descriptors too.
     */
    public static int defaultMaxConnections() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long half = unix.getMaxFileDescriptorCount() / 2;
            return (int) Math.max(1, Math.min(MAX_CONNECTIONS_CEILING, half));
        }
        return MAX_CONNECTIONS_CEILING;
    }
}
