package dev.gatehouse.admin;

import dev.gatehouse.cache.ResponseCache;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.ReloadResult;
import dev.gatehouse.storage.StorageException;
import dev.gatehouse.certificates.CertificateStatus;
import dev.gatehouse.upstream.Upstreams;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the admin API sees of the running server. The server provides it, so this package never depends on the
 * server's (the dependency points from server to admin). Every method may be called from the admin API's own thread
 * at any time, also while a reload swaps the config: each call returns what is current at that moment.
 */
public interface RunningInstance {

    /** The config serving now. */
    GatehouseConfig config();

    /** The upstream pools serving now. */
    Upstreams upstreams();

    /** Every site's certificate and every other stored one. Reads storage: blocking. */
    List<CertificateStatus> certificates() throws StorageException;

    /**
     * Starts a forced renewal of {@code name}, a site whose certificate comes from ACME or the local CA.
     *
     * @return false when no certificates are managed (HTTPS is off)
     */
    boolean renew(String name);

    /** Reads the config file again and applies it when it is valid; blocking. */
    ReloadResult reload();

    /** When the server started. */
    Instant startedAt();

    /** Bound ports of the traffic listeners by kind ({@code http}, {@code https}); absent kinds are off. */
    Map<String, Integer> listeners();

    /** The metrics in the Prometheus text format, for {@code GET /metrics}. */
    String metrics();

    /** The response cache (empty while no site or route has {@code cache}), for purges. */
    ResponseCache cache();

    /**
     * The cluster as {@code GET /cluster} shows it (this node, the Redis state, every node alive and what it holds), as
     * a JSON object; empty when the config has no {@code cluster:}. Answers from memory.
     */
    default Optional<Map<String, Object>> cluster() {
        return Optional.empty();
    }
}
