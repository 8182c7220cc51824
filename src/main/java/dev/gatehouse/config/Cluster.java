package dev.gatehouse.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code cluster: { redis: "redis://127.0.0.1:6379/0" }}: several Gatehouse nodes share certificates, locks,
 * challenges, registered targets, rate limits and the response cache through Redis. Off unless the section is given;
 * without it nothing changes.
 *
 * @param redis         one URI ({@code redis://}, {@code rediss://} with TLS, {@code redis-sentinel://} for Sentinel),
 *                      or several {@code redis://} seed URIs of a Redis Cluster ({@link #redisCluster()})
 * @param redisCluster  true when {@code redis} was written as a list: the seeds of a Redis Cluster
 * @param password      from {@code password_env} or {@code password_file}, overriding one in the URI
 * @param encryptionKey 32 bytes (AES-256-GCM) from {@code encryption_key_env} or {@code encryption_key_file}; private
 *                      keys in Redis are encrypted with it. Without it they are stored as they are (a warning says so
 *                      at every start)
 * @param node          this node's name in {@code GET /cluster} ({@code node}); default: the host name
 * @param timeout       the longest any Redis call may take ({@code timeout}, default {@link #DEFAULT_TIMEOUT}); a call
 *                      on a request's path waits at most {@link #REQUEST_TIMEOUT} of it
 * @param prefix        the start of every key ({@code prefix}, default {@link #DEFAULT_PREFIX}), so several deployments
 *                      can share one Redis
 */
public record Cluster(List<String> redis, boolean redisCluster, Optional<String> password,
                      Optional<byte[]> encryptionKey, Optional<String> node, Duration timeout, String prefix) {
    /** Default for {@code timeout}: a Redis on the same network answers in well under a millisecond. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /** A rate-limit or cache call on a request's path waits at most this long before the local fallback answers. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofMillis(250);
    public static final String DEFAULT_PREFIX = "gatehouse";
    /** AES-256: the key is 32 bytes, written as 64 hex digits or 44 base64 characters. */
    public static final int KEY_BYTES = 32;

    public Cluster {
        redis = List.copyOf(redis);
        if (redis.isEmpty()) {
            throw new IllegalArgumentException("no redis URI");
        }
        Objects.requireNonNull(password, "password");
        encryptionKey = encryptionKey.map(byte[]::clone);
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(prefix, "prefix");
    }

    /** The URIs without any password, for logs and the admin API. */
    public List<String> redisForDisplay() {
        return redis.stream().map(Cluster::withoutPassword).toList();
    }

    /** {@code redis://user:secret@host} reads {@code redis://user:***@host}. */
    static String withoutPassword(String uri) {
        int scheme = uri.indexOf("://");
        int at = uri.lastIndexOf('@');
        if (scheme < 0 || at < scheme) {
            return uri;
        }
        String auth = uri.substring(scheme + 3, at);
        int colon = auth.indexOf(':');
        String user = colon < 0 ? "" : auth.substring(0, colon);
        return uri.substring(0, scheme + 3) + user + ":***" + uri.substring(at);
    }

    // Arrays compare by identity in records: a reload with the same key must compare equal.
    @Override
    public boolean equals(Object o) {
        return o instanceof Cluster c && redis.equals(c.redis) && redisCluster == c.redisCluster
                && password.equals(c.password) && node.equals(c.node) && timeout.equals(c.timeout)
                && prefix.equals(c.prefix) && encryptionKey.isPresent() == c.encryptionKey.isPresent()
                && (encryptionKey.isEmpty() || Arrays.equals(encryptionKey.get(), c.encryptionKey.get()));
    }

    @Override
    public int hashCode() {
        return Objects.hash(redis, redisCluster, node, timeout, prefix);
    }

    /** Never prints the password or the key: configs end up in logs and bug reports. */
    @Override
    public String toString() {
        return "Cluster[redis=" + redisForDisplay() + ", redisCluster=" + redisCluster + ", password="
                + (password.isPresent() ? "[redacted]" : "none") + ", encryptionKey="
                + (encryptionKey.isPresent() ? "[redacted]" : "none") + ", node=" + node.orElse("(host name)")
                + ", timeout=" + timeout + ", prefix=" + prefix + "]";
    }
}
