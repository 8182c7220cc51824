package dev.gatehouse.config;

/**
 * One upstream target, written {@code host:port} or {@code { address: host:port, weight: 100, max_requests: 50 }}.
 *
 * @param host        host name or IP literal (IPv6 without brackets)
 * @param port        1..65535
 * @param weight      0..1000 (default 100; 0 parks the target: no new requests, in-flight ones finish)
 * @param maxRequests concurrent requests this target may have in flight, 1..100000; 0 (default) = no limit.
 *                    When every usable target is at its limit, requests wait in the pool's {@code queue}.
 */
public record Target(String host, int port, int weight, int maxRequests) {
    public static final int DEFAULT_WEIGHT = 100;
    public static final int MAX_WEIGHT = 1000;
    public static final int MAX_MAX_REQUESTS = 100_000;

    /** A target without a concurrency limit. */
    public Target(String host, int port, int weight) {
        this(host, port, weight, 0);
    }

    /** {@code host:port}, with brackets around IPv6 literals. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** This target with another weight (the same address and limit). */
    public Target withWeight(int newWeight) {
        return new Target(host, port, newWeight, maxRequests);
    }
}
