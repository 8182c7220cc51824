package dev.gatehouse.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the response cache keeps what it stores, written under the top-level {@code cache:} (shared by every site
 * and route that has {@code cache}).
 *
 * @param memory    bytes the memory tier may hold, bodies and headers weighed (default 64 MiB); bodies live in
 *                  direct memory, so this counts against {@code -XX:MaxDirectMemorySize}
 * @param disk      the disk tier, when {@code disk: { path, max_size }} is given
 * @param maxObject the largest body that is stored (default 8 MiB); larger ones stream through uncached
 */
public record CacheStorage(long memory, Optional<Disk> disk, long maxObject) {
    public static final long DEFAULT_MEMORY = 64L << 20;
    public static final long DEFAULT_MAX_OBJECT = 8L << 20;
    public static final CacheStorage DEFAULTS = new CacheStorage(DEFAULT_MEMORY, Optional.empty(), DEFAULT_MAX_OBJECT);

    public CacheStorage {
        Objects.requireNonNull(disk, "disk");
    }

    /**
     * One file per stored response under {@code path}, at most {@code maxSize} bytes in all (least recently used
     * files go first); kept across restarts.
     */
    public record Disk(Path path, long maxSize) {
    }
}
