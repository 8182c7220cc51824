package dev.gatehouse.cluster;

import dev.gatehouse.storage.Keys;
import dev.gatehouse.storage.Storage;
import dev.gatehouse.storage.StorageException;
import dev.gatehouse.storage.StorageLockedException;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@link Storage} in Redis, shared by every node: each value under its own key, a sorted set of every storage key
 * (listing by prefix without {@code SCAN}), one hash of write times and sizes, and a change counter. Writes and deletes
 * are Lua scripts, so several values change at once or not at all; every key carries the hash tag of the prefix, so
 * the scripts also run on a Redis Cluster. {@link Visibility#SECRET} values are encrypted when the cluster has an
 * encryption key ({@link SecretCipher}).
 *
 * <p>Locks are leases with fencing ({@link RedisLock}). Changes reach other instances through a message on the
 * cluster's channel and, as the safety net for a missed message, a poll of the change counter every
 * {@link #POLL_EVERY}, after which the write times tell which keys changed.
 *
 * <p>Every call blocks for at most the cluster timeout and then throws a {@link StorageException} saying Redis is
 * unreachable: call it from a blocking executor, never an event loop.
 */
final class RedisStorage implements Storage, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisStorage.class);
    /** The default lease of a lock: a crashed holder blocks a name this long at most; extended every third of it. */
    static final Duration DEFAULT_LOCK_EXPIRY = Duration.ofSeconds(30);
    static final Duration POLL_EVERY = Duration.ofSeconds(10);
    static final String EVENT = "storage";
    private static final Duration FIRST_LOCK_RETRY = Duration.ofMillis(50);
    private static final Duration MAX_LOCK_RETRY = Duration.ofMillis(500);
    private static final LuaScript PUT = LuaScript.load("storage-put.lua");
    private static final LuaScript DELETE = LuaScript.load("storage-delete.lua");
    private static final LuaScript ACQUIRE = LuaScript.load("lock-acquire.lua");

    private final RedisLink link;
    private final ClusterKeys keys;
    private final SecretCipher cipher;
    private final Optional<ClusterEvents> events;
    private final java.util.function.Supplier<String> holder;
    private final Duration lockExpiry;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final Object pollLock = new Object();
    private volatile ScheduledFuture<?> poll;
    private long lastChanges = -1;
    private java.util.Map<String, String> lastMeta = java.util.Map.of();

    /**
     * @param events     where writes are announced and heard (empty: no announcements, only the poll)
     * @param holder     this node in lock values ({@code name/id}), for people looking at Redis
     * @param lockExpiry the lease of every lock
     */
    RedisStorage(RedisLink link, ClusterKeys keys, Optional<byte[]> encryptionKey, Optional<ClusterEvents> events,
                 java.util.function.Supplier<String> holder, Duration lockExpiry) {
        this.link = Objects.requireNonNull(link, "link");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.cipher = new SecretCipher(encryptionKey);
        this.events = Objects.requireNonNull(events, "events");
        this.holder = Objects.requireNonNull(holder, "holder");
        this.lockExpiry = lockExpiry;
    }

    /** Nothing to prepare: the link connects on its own; every call fails fast while it is down. */
    @Override
    public void open() {
    }

    @Override
    public String describe() {
        return link.describe() + " (prefix " + keys.prefix() + ")";
    }

    @Override
    public Optional<byte[]> get(String key) throws StorageException {
        return entry(key).map(Entry::value);
    }

    /** The value of {@code key} with the visibility it was written with. */
    Optional<Entry> entry(String key) throws StorageException {
        Keys.check(key);
        byte[] stored = await(link.call(c -> c.get(keys.value(key)), link.timeout()), "read " + key);
        return stored == null ? Optional.empty() : Optional.of(cipher.open(key, stored, where(key)));
    }

    @Override
    public void put(String key, byte[] value, Visibility visibility) throws StorageException {
        putAll(List.of(new Entry(key, value, visibility)));
    }

    @Override
    public void putAll(List<Entry> entries) throws StorageException {
        write(entries, Optional.empty());
    }

    @Override
    public void putAll(List<Entry> entries, Lock fence) throws StorageException {
        if (!(fence instanceof RedisLock lock)) {
            throw new IllegalArgumentException("lock " + fence.name() + " was not taken on " + describe());
        }
        if (!lock.isHeld()) {
            throw new StorageLockedException("storage: lock " + lock.name() + " on " + describe()
                    + " expired before this write (the node stalled or lost Redis); nothing written");
        }
        write(entries, Optional.of(lock));
    }

    private void write(List<Entry> entries, Optional<RedisLock> fence) throws StorageException {
        if (entries.isEmpty()) {
            return;
        }
        List<String> scriptKeys = new ArrayList<>(List.of(keys.index(), keys.meta(), keys.changes(),
                fence.map(RedisLock::redisKey).orElse(keys.lock("none")),
                fence.map(RedisLock::fencedKey).orElse(keys.fenceWritten("none"))));
        List<byte[]> args = new ArrayList<>();
        args.add(LuaScript.arg(fence.map(l -> Long.toString(l.token())).orElse("")));
        args.add(LuaScript.arg(fence.map(RedisLock::value).orElse("")));
        for (Entry e : entries) {
            scriptKeys.add(keys.value(e.key()));
            args.add(LuaScript.arg(e.key()));
            args.add(cipher.seal(e.key(), e.value(), e.visibility()));
            args.add(LuaScript.arg(e.value().length));
        }
        String what = "write " + entries.get(0).key() + (entries.size() > 1 ? " and " + (entries.size() - 1)
                + " more" : "");
        try {
            await(PUT.<Long>run(link, ScriptOutputType.INTEGER, link.timeout(), scriptKeys.toArray(String[]::new),
                    args.toArray(byte[][]::new)), what);
        } catch (StorageException e) {
            if (e.getCause() instanceof RedisCommandExecutionException r && String.valueOf(r.getMessage())
                    .contains("FENCED")) {
                throw new StorageLockedException("storage: " + what + " refused on " + describe() + ": lock "
                        + fence.map(RedisLock::name).orElse("?") + " (token " + fence.map(RedisLock::token).orElse(0L)
                        + ") was lost and another holder may have written since; nothing written");
            }
            throw e;
        }
        for (Entry e : entries) {
            announce(e.key());
        }
    }

    @Override
    public boolean delete(String key) throws StorageException {
        Keys.check(key);
        Long deleted = await(DELETE.<Long>run(link, ScriptOutputType.INTEGER, link.timeout(),
                new String[] {keys.index(), keys.meta(), keys.changes()}, LuaScript.arg(key),
                LuaScript.arg(keys.valuePrefix())), "delete " + key);
        if (deleted != null && deleted > 0) {
            announce(key);
            return true;
        }
        return false;
    }

    @Override
    public boolean exists(String key) throws StorageException {
        return stat(key).isPresent();
    }

    @Override
    public Optional<KeyInfo> stat(String key) throws StorageException {
        Keys.check(key);
        byte[] meta = await(link.call(c -> c.hget(keys.meta(), key), link.timeout()), "read " + key);
        if (meta != null) {
            String[] parts = new String(meta, StandardCharsets.US_ASCII).split(" ");
            return Optional.of(new KeyInfo(key, Instant.ofEpochMilli(Long.parseLong(parts[0])),
                    Long.parseLong(parts[1]), true));
        }
        // Redis keeps no time for a "directory": it is only a prefix of other keys.
        return below(key, 1).isEmpty() ? Optional.empty() : Optional.of(new KeyInfo(key, Instant.EPOCH, 0, false));
    }

    @Override
    public List<String> list(String prefix, boolean recursive) throws StorageException {
        Keys.checkPrefix(prefix);
        List<String> all = below(prefix, -1);
        if (recursive) {
            return all;
        }
        int start = prefix.isEmpty() ? 0 : prefix.length() + 1;
        TreeSet<String> children = new TreeSet<>();
        for (String key : all) {
            int slash = key.indexOf('/', start);
            children.add(slash < 0 ? key : key.substring(0, slash));
        }
        return List.copyOf(children);
    }

    /** Every key strictly below {@code prefix} ("" for all), sorted; at most {@code limit} ({@code -1}: all). */
    private List<String> below(String prefix, int limit) throws StorageException {
        Range<byte[]> range = prefix.isEmpty() ? Range.unbounded()
                : Range.from(Range.Boundary.including(bytes(prefix + "/")), Range.Boundary.excluding(bytes(prefix + "0")));
        List<byte[]> found = await(link.call(c -> limit < 0 ? c.zrangebylex(keys.index(), range)
                : c.zrangebylex(keys.index(), range, Limit.create(0, limit)), link.timeout()), "list " + prefix);
        return found.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Lock lock(String name, Duration maxWait) throws StorageException, InterruptedException {
        if (name.contains("/")) {
            throw new IllegalArgumentException("lock name \"" + name + "\" (expected: one key segment, no /)");
        }
        Keys.check(name);
        long deadline = System.nanoTime() + maxWait.toNanos();
        Duration retry = FIRST_LOCK_RETRY;
        while (true) {
            long sentAt = System.nanoTime();
            Long token = await(ACQUIRE.<Long>run(link, ScriptOutputType.INTEGER, link.timeout(),
                    new String[] {keys.lock(name), keys.fence(name)}, LuaScript.arg(holder.get()),
                    LuaScript.arg(lockExpiry.toMillis())), "take lock " + name);
            if (token != null && token > 0) {
                return new RedisLock(link, keys, name, token, holder.get(), lockExpiry, sentAt);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new StorageLockedException("storage: lock " + name + " on " + describe() + " is held by another "
                        + "node (waited " + maxWait.toMillis() + " ms)");
            }
            Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, retry.toMillis()));
            retry = retry.multipliedBy(2).compareTo(MAX_LOCK_RETRY) > 0 ? MAX_LOCK_RETRY : retry.multipliedBy(2);
        }
    }

    @Override
    public Duration lockExpiry() {
        return lockExpiry;
    }

    // ---- changes

    @Override
    public void onChange(Consumer<String> listener) {
        boolean first = listeners.isEmpty();
        listeners.add(listener);
        if (first) {
            events.ifPresent(e -> e.on(EVENT, this::changed));
            poll = link.executor().scheduleWithFixedDelay(this::pollChanges, POLL_EVERY.toMillis(),
                    POLL_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void announce(String key) {
        events.ifPresent(e -> e.publish(EVENT, key));
    }

    private void changed(String key) {
        for (Consumer<String> l : listeners) {
            try {
                l.accept(key);
            } catch (Throwable t) {
                log.error("cluster storage: handling the change of {} failed", key, t);
            }
        }
    }

    /** The safety net under the messages: when the change counter moved, the keys whose write time moved. */
    private void pollChanges() {
        try {
            synchronized (pollLock) {
                byte[] counter = link.sync(c -> c.get(keys.changes()));
                long now = counter == null ? 0 : Long.parseLong(new String(counter, StandardCharsets.US_ASCII));
                if (now == lastChanges) {
                    return;
                }
                java.util.Map<String, byte[]> raw = link.sync(c -> c.hgetall(keys.meta()));
                java.util.Map<String, String> meta = new java.util.HashMap<>();
                raw.forEach((k, v) -> meta.put(k, new String(v, StandardCharsets.US_ASCII)));
                boolean firstPoll = lastChanges < 0;
                java.util.Map<String, String> before = lastMeta;
                lastChanges = now;
                lastMeta = meta;
                if (firstPoll) {
                    return; // what was there at start was read at start
                }
                meta.forEach((k, v) -> {
                    if (!v.equals(before.get(k))) {
                        changed(k);
                    }
                });
                before.keySet().stream().filter(k -> !meta.containsKey(k)).forEach(this::changed);
            }
        } catch (Throwable t) { // a periodic task that throws is never run again
            log.debug("cluster storage: looking for changes failed: {}", t.getMessage());
        }
    }

    // ---- helpers

    private String where(String key) {
        return describe() + " " + key;
    }

    /** Waits for a call; Redis unreachable or too slow becomes a {@link StorageException} saying so. */
    private <T> T await(CompletableFuture<T> call, String what) throws StorageException {
        try {
            return call.get(link.timeout().toMillis() * 2 + 100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("storage: cannot " + what + " on " + describe() + ": interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ClusterUnavailableException) {
                throw new Unreachable("storage: cannot " + what + " on " + describe() + ": Redis unreachable ("
                        + cause.getMessage() + ")", cause);
            }
            throw new StorageException("storage: cannot " + what + " on " + describe() + ": "
                    + RedisLink.describe(cause), cause);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new Unreachable("storage: cannot " + what + " on " + describe() + ": no answer from Redis", e);
        }
    }

    /** Redis could not be reached or did not answer in time (as opposed to refusing or holding a bad value). */
    static final class Unreachable extends StorageException {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public void close() {
        ScheduledFuture<?> p = poll;
        if (p != null) {
            p.cancel(false);
        }
    }
}
