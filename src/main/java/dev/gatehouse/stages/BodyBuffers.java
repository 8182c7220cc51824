package dev.gatehouse.stages;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where {@code buffer_requests} keeps request bodies that outgrow memory: a directory of temp files, each deleted
 * when its request is done with it (files are opened delete-on-close), and a small executor that does their disk
 * I/O off the event loops. Files left behind by a crash are deleted at {@link #start}.
 */
public final class BodyBuffers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BodyBuffers.class);
    /**
     * Bytes of one body held in memory before the rest goes to a temp file. nginx's client_body_buffer_size is
     * 16 KiB; 64 KiB keeps most form posts and API calls off the disk at little memory per request.
     */
    public static final int MEMORY = 64 * 1024;
    /** Bytes read from a temp file at a time while the body is handed on. */
    static final int READ_CHUNK = 64 * 1024;
    private static final String PREFIX = "body-";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");

    private final Path dir;
    private final AtomicInteger threads = new AtomicInteger();
    private ExecutorService disk;

    /** @param dir the temp-file directory, created at {@link #start} */
    public BodyBuffers(Path dir) {
        this.dir = dir;
    }

    /**
     * Creates the directory (owner only, like {@code storage} itself, which it may have to create first) and deletes
     * what an earlier run left in it.
     */
    public void start() throws IOException {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException notPosix) {
            Files.createDirectories(dir);
        }
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path p : old) {
                Files.deleteIfExists(p);
            }
        }
        disk = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "gatehouse-body-buffers-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public Path dir() {
        return dir;
    }

    /** Runs one disk operation of a buffered body; one request has at most one in flight, so its file sees them in order. */
    void execute(Runnable task) {
        disk.execute(() -> {
            try {
                task.run();
            } catch (Throwable t) {
                log.warn("buffered request body: {}", t.toString());
            }
        });
    }

    /**
     * A new temp file, open for reading and writing, readable by the owner only. Opened delete-on-close, which the
     * JDK does on Unix by unlinking it at once: it never shows in the directory and cannot be left behind. Blocks:
     * call it from {@link #execute}.
     */
    FileChannel newFile() throws IOException {
        Path path = dir.resolve(PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
        try {
            return FileChannel.open(path, options, PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
        } catch (UnsupportedOperationException notPosix) {
            return FileChannel.open(path, options);
        }
    }

    @Override
    public void close() {
        if (disk != null) {
            disk.shutdown();
        }
    }
}
