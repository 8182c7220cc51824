package dev.gatehouse.cluster;

import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.Storage;
import dev.gatehouse.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The storage of a node in a cluster: Redis ({@link RedisStorage}) is where every node reads and writes, and each
 * node keeps a copy of what it read or wrote in its own storage directory. While Redis is unreachable reads answer
 * from that copy, so certificates keep being served, also by a node restarted during the outage; writes and locks
 * fail (a renewal waits for Redis rather than racing other nodes). A value Redis lost (a restart without persistence)
 * is put back from the copy when it is read.
 *
 * <p>Requests left by the command line ({@code requests/}) stay local: they are addressed to this node.
 */
final class ClusterStorage implements Storage, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterStorage.class);
    private static final String LOCAL_ONLY = "requests";

    private final RedisStorage redis;
    private final FileStorage local;

    ClusterStorage(RedisStorage redis, FileStorage local) {
        this.redis = redis;
        this.local = local;
    }

    private static boolean localOnly(String key) {
        return key.equals(LOCAL_ONLY) || key.startsWith(LOCAL_ONLY + "/");
    }

    @Override
    public void open() throws StorageException {
        local.open();
        redis.open();
    }

    @Override
    public String describe() {
        return redis.describe();
    }

    @Override
    public Optional<byte[]> get(String key) throws StorageException {
        if (localOnly(key)) {
            return local.get(key);
        }
        Optional<Entry> shared;
        try {
            shared = redis.entry(key);
        } catch (RedisStorage.Unreachable e) {
            log.debug("storage: {} from the local copy: {}", key, e.getMessage());
            return local.get(key);
        }
        if (shared.isPresent()) {
            copyLocally(shared.get());
            return Optional.of(shared.get().value());
        }
        Optional<byte[]> copy = local.get(key);
        if (copy.isPresent()) {
            restore(key, copy.get());
        }
        return copy;
    }

    /** Keeps the node's copy equal to what Redis holds; a failure here loses nothing shared, so it is only logged. */
    private void copyLocally(Entry entry) {
        try {
            Optional<byte[]> copy = local.get(entry.key());
            if (copy.isEmpty() || !Arrays.equals(copy.get(), entry.value())) {
                local.putAll(List.of(entry));
            }
        } catch (StorageException e) {
            log.warn("storage: cannot keep the local copy of {}: {}", entry.key(), e.getMessage());
        }
    }

    /** Redis lost a value this node has (restarted without persistence): it is shared again. */
    private void restore(String key, byte[] value) {
        try {
            Optional<Entry> again = redis.entry(key);
            if (again.isEmpty()) {
                // The copy does not say whether it was a secret: when unsure, private (encrypted).
                redis.put(key, value, Visibility.SECRET);
                log.info("storage: {} was missing in {}: put back from the local copy", key, redis.describe());
            }
        } catch (StorageException e) {
            log.debug("storage: cannot put {} back into Redis: {}", key, e.getMessage());
        }
    }

    @Override
    public void put(String key, byte[] value, Visibility visibility) throws StorageException {
        putAll(List.of(new Entry(key, value, visibility)));
    }

    @Override
    public void putAll(List<Entry> entries) throws StorageException {
        if (entries.stream().allMatch(e -> localOnly(e.key()))) {
            local.putAll(entries);
            return;
        }
        redis.putAll(entries);
        copyLocally(entries);
    }

    @Override
    public void putAll(List<Entry> entries, Lock fence) throws StorageException {
        redis.putAll(entries, fence);
        copyLocally(entries);
    }

    private void copyLocally(List<Entry> entries) {
        try {
            local.putAll(entries);
        } catch (StorageException e) {
            log.warn("storage: written to {}, but not to the local copy: {}", redis.describe(), e.getMessage());
        }
    }

    @Override
    public boolean delete(String key) throws StorageException {
        if (localOnly(key)) {
            return local.delete(key);
        }
        boolean deleted = redis.delete(key);
        return local.delete(key) || deleted;
    }

    @Override
    public boolean exists(String key) throws StorageException {
        return stat(key).isPresent();
    }

    @Override
    public Optional<KeyInfo> stat(String key) throws StorageException {
        if (localOnly(key)) {
            return local.stat(key);
        }
        try {
            return redis.stat(key);
        } catch (RedisStorage.Unreachable e) {
            return local.stat(key);
        }
    }

    @Override
    public List<String> list(String prefix, boolean recursive) throws StorageException {
        if (localOnly(prefix)) {
            return local.list(prefix, recursive);
        }
        try {
            List<String> shared = redis.list(prefix, recursive);
            if (!prefix.isEmpty()) {
                return shared;
            }
            // The top level also shows what only this node keeps.
            java.util.TreeSet<String> all = new java.util.TreeSet<>(shared);
            all.addAll(local.list(LOCAL_ONLY, recursive).isEmpty() ? List.of() : recursive
                    ? local.list(LOCAL_ONLY, true) : List.of(LOCAL_ONLY));
            return List.copyOf(all);
        } catch (RedisStorage.Unreachable e) {
            return local.list(prefix, recursive);
        }
    }

    @Override
    public Lock lock(String name, Duration maxWait) throws StorageException, InterruptedException {
        return redis.lock(name, maxWait);
    }

    @Override
    public Duration lockExpiry() {
        return redis.lockExpiry();
    }

    @Override
    public void onChange(Consumer<String> listener) {
        redis.onChange(listener);
    }

    @Override
    public void close() {
        redis.close();
    }
}
