package dev.gatehouse.cluster;

import dev.gatehouse.acme.ChallengeResponder;
import dev.gatehouse.config.Cluster;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.Storage;
import dev.gatehouse.limits.CounterStore;
import dev.gatehouse.upstream.Registrations;
import dev.gatehouse.upstream.Upstreams;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * This node's membership of a cluster: the Redis link, the heartbeats, and the shared implementations of the
 * interfaces other packages define ({@link CounterStore}, {@link Registrations}). The server builds it when the config
 * has {@code cluster:}, asks it for those implementations while it wires itself, then {@link #start()}s it; nothing
 * else knows it exists.
 */
public final class ClusterNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);

    private final Cluster config;
    private final Path storage;
    private final String version;
    private final Supplier<Map<String, String>> details;
    private final RedisLink link;
    private final ClusterKeys keys;
    private volatile NodeIdentity identity;
    private volatile Heartbeats heartbeats;
    private ClusterEvents events;
    private RedisCounterStore counters;
    private SharedTargets targets;
    private ClusterStorage storageShared;
    private SharedChallenges challenges;

    /**
     * @param storage this node's storage directory (its id is kept there)
     * @param details what this node holds, for the heartbeats ({@code certificates: 20}, ...)
     */
    public ClusterNode(Cluster config, Path storage, MeterRegistry registry, String version,
                       Supplier<Map<String, String>> details) {
        this.config = Objects.requireNonNull(config, "config");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.version = Objects.requireNonNull(version, "version");
        this.details = Objects.requireNonNull(details, "details");
        this.link = new RedisLink(config, registry);
        this.keys = new ClusterKeys(config.prefix());
    }

    /** Rate-limit buckets in Redis, falling back to {@code local} at 1/N while Redis is away. */
    public synchronized CounterStore counters(CounterStore local) {
        if (counters == null) {
            counters = new RedisCounterStore(link, keys, () -> heartbeats == null ? 1 : heartbeats.alive(), local);
        }
        return counters;
    }

    /** Registered targets shared through Redis; give the result to {@link Upstreams#registrations}. */
    public synchronized Registrations registrations(Upstreams upstreams) {
        if (targets == null) {
            targets = new SharedTargets(link, keys, upstreams, events());
        }
        return targets;
    }

    /**
     * Certificates, keys, ACME accounts and the local CA in Redis, with a copy in {@code local} (this node's storage
     * directory) that answers while Redis is away.
     */
    public synchronized Storage storage(FileStorage local) {
        if (storageShared == null) {
            RedisStorage redis = new RedisStorage(link, keys, config.encryptionKey(), Optional.of(events()),
                    () -> identity == null ? "starting" : identity.name() + "/" + identity.id(),
                    RedisStorage.DEFAULT_LOCK_EXPIRY);
            storageShared = new ClusterStorage(redis, local);
        }
        return storageShared;
    }

    /** ACME challenge answers put on every node's listeners, so the CA may ask any of them. */
    public synchronized ChallengeResponder challenges(ChallengeResponder local) {
        if (challenges == null) {
            challenges = new SharedChallenges(local, link, keys, events());
        }
        return challenges;
    }

    /**
     * Waits until Redis answers, at most twice the configured timeout: at start, before certificates are loaded, so
     * a new node serves what the cluster holds at once. Returns whether Redis is up; when not, the node starts from
     * its local copy and catches up later.
     */
    public boolean awaitRedis() throws InterruptedException {
        boolean up = link.awaitUp(config.timeout().multipliedBy(2));
        if (!up) {
            log.warn("cluster: Redis not reachable yet at start; serving certificates from the local copy in {}",
                    storage);
        }
        return up;
    }

    private synchronized ClusterEvents events() {
        if (events == null) {
            events = new ClusterEvents(link, keys, "starting");
        }
        return events;
    }

    /** Reads this node's id (disk), then connects in the background: returns at once, also while Redis is down. */
    public void start() throws IOException {
        identity = NodeIdentity.load(storage, config.node());
        if (config.encryptionKey().isEmpty()) {
            log.warn("cluster: no encryption_key_env or encryption_key_file: private keys are stored in Redis as they "
                    + "are, readable by anyone with a copy of its data (expected: encryption_key_env: VAR in cluster:, "
                    + "VAR holding 32 random bytes, e.g. from openssl rand -base64 32)");
        }
        synchronized (this) {
            ClusterEvents e = events();
            e.self(identity.id());
            heartbeats = new Heartbeats(link, keys, identity, version, Instant.now(), this::details);
        }
        log.info("cluster node={} id={} joining through redis={}", identity.name(), identity.id(), link.describe());
        events.start();
        link.start();
        heartbeats.start();
        if (targets != null) {
            targets.start();
        }
        if (challenges != null) {
            challenges.start();
        }
    }

    private Map<String, String> details() {
        Map<String, String> d = new LinkedHashMap<>(details.get());
        if (counters != null) {
            d.put("rate_limits", counters.countingLocally() ? "local" : "shared");
        }
        if (targets != null) {
            d.put("pending_registrations", Integer.toString(targets.pending()));
        }
        return d;
    }

    /** What {@code GET /cluster} shows; answers from memory (the last heartbeat), never waiting for Redis. */
    public ClusterStatus status() {
        NodeIdentity self = identity;
        Heartbeats h = heartbeats;
        return new ClusterStatus(self == null ? new NodeIdentity("", config.node().orElse("")) : self,
                link.describe(), link.state().name().toLowerCase(java.util.Locale.ROOT),
                link.lastError().isEmpty() ? Optional.empty() : Optional.of(link.lastError()),
                counters != null && counters.countingLocally() ? "local" : "shared",
                targets == null ? 0 : targets.pending(), h == null ? java.util.List.of() : h.nodes());
    }

    /** Whether Redis answers now. */
    public boolean redisUp() {
        return link.isUp();
    }

    @Override
    public void close() {
        if (targets != null) {
            targets.close();
        }
        if (heartbeats != null) {
            heartbeats.close();
        }
        if (storageShared != null) {
            storageShared.close();
        }
        link.close();
    }
}
