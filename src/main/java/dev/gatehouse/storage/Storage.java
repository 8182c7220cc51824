package dev.gatehouse.storage;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where Gatehouse keeps what must outlive the process and may be shared by several processes: certificates, keys,
 * ACME accounts, the local CA, requests from the command line. A small key-value store with locks, so that it can
 * live in a directory ({@link FileStorage}), in Redis, or anywhere else; {@link CertificateStore} lays the typed
 * records out on top of it. Every implementation passes the same contract tests ({@code StorageContract}).
 *
 * <h2>Keys</h2>
 * Slash-separated paths such as {@code certificates/app.example.com/cert.pem}. Each segment is one or more of
 * {@code A-Z a-z 0-9 . _ - + : [ ]}, does not start with a dot, and is not {@code ..}; see {@link Keys#check}.
 * A key that has keys below it ({@code certificates/app.example.com}) is a "directory": it has no value of its own.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>{@link #put} and {@link #putAll} are atomic per key: a reader sees the old value or the new one, never a mix
 *       or a part. A failed write leaves the previous values and throws a {@link StorageException} saying why.</li>
 *   <li>{@link Visibility#SECRET} values (private keys) are never readable by anyone but the owner, not even for a
 *       moment while they are written.</li>
 *   <li>{@link #lock} excludes every other holder of the same name: other threads, other instances on the same
 *       backend, other processes. A holder that dies without releasing loses the lock after at most
 *       {@link #lockExpiry()}.</li>
 * </ul>
 *
 * <p>Every method may block on disk or network: call them from a blocking executor, never from an event loop.
 * Implementations are thread-safe and do no I/O before {@link #open()}.
 */
public interface Storage {

    /** How long {@link #lock(String)} waits for another holder before giving up. */
    Duration DEFAULT_LOCK_WAIT = Duration.ofMinutes(5);

    /** Who may read a value besides Gatehouse. */
    enum Visibility {
        /** Certificates, meta data: readable by other local users (file mode 0644). */
        PUBLIC,
        /** Private keys: the owner only (file mode 0600), from the first byte written. */
        SECRET
    }

    /** One value of a {@link #putAll}. */
    record Entry(String key, byte[] value, Visibility visibility) {
        public Entry {
            Keys.check(key);
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(visibility, "visibility");
        }
    }

    /**
     * What {@link #stat} knows about a key.
     *
     * @param key      the key asked for
     * @param modified when its value was last written (for a directory: as the backend reports it)
     * @param size     bytes of its value; 0 for a directory
     * @param terminal true for a key with a value, false for a directory
     */
    record KeyInfo(String key, Instant modified, long size, boolean terminal) {
        public KeyInfo {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(modified, "modified");
        }
    }

    /** A held lock; {@link #close()} releases it (more than once is harmless). */
    interface Lock extends AutoCloseable {
        /** The name it was taken for. */
        String name();

        /**
         * Whether this holder still has it: false after {@link #close()}, and for backends whose locks expire,
         * once it expired (the holder should then stop writing; a new holder may be at work).
         */
        boolean isHeld();

        @Override
        void close();
    }

    /** Prepares the backend (creates the directory, checks it is writable). Idempotent. */
    void open() throws StorageException;

    /** Where the values live, for messages: {@code /var/lib/gatehouse}, {@code redis://host:6379/0}. */
    String describe();

    /** The value of {@code key}; empty when it has none. */
    Optional<byte[]> get(String key) throws StorageException;

    /** Stores {@code value} under {@code key}, replacing any previous value atomically. */
    void put(String key, byte[] value, Visibility visibility) throws StorageException;

    /**
     * Stores several values: each key is replaced atomically, and all of them are prepared before any is replaced,
     * so a failure while writing (disk full) changes none of them. Written in list order; a crash part-way may leave
     * the first ones new and the rest old, which is why a certificate's key is written before its chain (a reader
     * notices the mismatch rather than serving a foreign key).
     */
    void putAll(List<Entry> entries) throws StorageException;

    /**
     * {@link #putAll(List)} by the holder of {@code fence}, refused with {@link StorageLockedException} (nothing
     * written) when that lock is no longer held: closed, or expired while its holder stalled (a long pause, a frozen
     * VM), so a holder that lost its lock cannot overwrite what the next holder wrote (a fencing token, checked by the
     * backend where locks are leases).
     */
    default void putAll(List<Entry> entries, Lock fence) throws StorageException {
        if (!fence.isHeld()) {
            throw new StorageLockedException("storage: lock " + fence.name() + " is no longer held; nothing written");
        }
        putAll(entries);
    }

    /** Deletes {@code key}, or everything below it when it is a directory; true when something was deleted. */
    boolean delete(String key) throws StorageException;

    /** Whether {@code key} has a value or keys below it. */
    boolean exists(String key) throws StorageException;

    /** What is known about {@code key}; empty when it does not exist. */
    Optional<KeyInfo> stat(String key) throws StorageException;

    /**
     * The keys below {@code prefix}, sorted: with {@code recursive} every key that has a value, at any depth;
     * without, the immediate children (values and directories). Empty when nothing is there. {@code ""} lists the
     * top level.
     */
    List<String> list(String prefix, boolean recursive) throws StorageException;

    /**
     * Takes the lock {@code name} (a key segment), waiting up to {@code maxWait} while someone else holds it. Not
     * reentrant. Use: take the lock, read again (someone may just have done the work), work only if still needed,
     * write, close the lock.
     *
     * @throws StorageLockedException when still held by someone else after {@code maxWait}
     */
    Lock lock(String name, Duration maxWait) throws StorageException, InterruptedException;

    /** {@link #lock(String, Duration)} with {@link #DEFAULT_LOCK_WAIT}. */
    default Lock lock(String name) throws StorageException, InterruptedException {
        return lock(name, DEFAULT_LOCK_WAIT);
    }

    /**
     * The longest a lock outlives a holder that died without releasing it. Zero where the backend notices the
     * holder's death at once (the OS drops a dead process's file locks); a lease time where locks are leases.
     */
    Duration lockExpiry();

    /**
     * Calls {@code listener} with each key that another instance on the same backend wrote or deleted, within seconds
     * (it may also be called for this instance's own writes, and more than once). Backends that cannot tell cheaply
     * (a directory) never call it; their users read again when they need to.
     */
    default void onChange(Consumer<String> listener) {
    }
}
