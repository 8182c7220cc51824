package dev.gatehouse.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Asks for a reload when the config file changes on disk. Polls the file's modification time, size and identity
 * (inode) rather than watching the directory: it follows symlinks (a Kubernetes ConfigMap swaps one), sees editors
 * that write a new file and rename it over the old one, and costs one {@code stat} per poll. A change is acted on
 * once the file has stayed the same for {@link #DEBOUNCE}, so an editor's several writes make one reload; a file
 * missing for a moment (between an editor's delete and rename) is waited out.
 */
final class ConfigWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);
    static final Duration POLL = Duration.ofMillis(250);
    static final Duration DEBOUNCE = Duration.ofMillis(500);

    private final Path file;
    private final Runnable onChange;
    private final LongSupplier nanos;
    private ScheduledExecutorService executor;
    private Stamp seen;
    private Stamp pending;
    private long pendingSinceNanos;

    /** What tells one version of the file from another. */
    private record Stamp(FileTime modified, long size, Object key) {
    }

    /** @param onChange runs on the watcher's thread once the file changed and settled; it should not block long */
    ConfigWatcher(Path file, Runnable onChange) {
        this(file, onChange, System::nanoTime);
    }

    ConfigWatcher(Path file, Runnable onChange, LongSupplier nanos) {
        this.file = Objects.requireNonNull(file, "file");
        this.onChange = Objects.requireNonNull(onChange, "onChange");
        this.nanos = nanos;
    }

    synchronized void start() {
        seen = stamp();
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-config-watch");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::check, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The file is about to be read by a reload (whatever asked for it): the version on disk now counts as seen, so
     * the watch does not reload it a second time.
     */
    synchronized void reading() {
        seen = stamp();
        pending = null;
    }

    /** One poll: notes a new version, or acts on one that has settled. */
    synchronized void check() {
        try {
            Stamp now = stamp();
            if (now == null || now.equals(seen)) {
                pending = null;
                return;
            }
            if (!now.equals(pending)) {
                pending = now;
                pendingSinceNanos = nanos.getAsLong();
                return;
            }
            if (nanos.getAsLong() - pendingSinceNanos >= DEBOUNCE.toNanos()) {
                seen = now;
                pending = null;
                log.info("config file {} changed on disk: reloading", file);
                onChange.run();
            }
        } catch (Throwable e) { // a periodic task that throws is never run again
            log.error("watching config file {} failed", file, e);
        }
    }

    private Stamp stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
        } catch (IOException e) {
            return null; // missing for now (an editor between delete and rename), or unreadable: wait
        }
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
