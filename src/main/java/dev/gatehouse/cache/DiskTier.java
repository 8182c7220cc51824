package dev.gatehouse.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stored responses on disk, one file per response under {@code objects/}, bounded in bytes (least recently and
 * least frequently used URLs go first). What is stored survives a restart: {@link #start} reads every file's
 * metadata back into an in-memory index, so a lookup never touches the disk and a hit reads only the body, with
 * {@code sendfile} where the connection allows it.
 *
 * <p>A crash (even {@code kill -9} in the middle of a write) leaves no half object readable: files are written
 * under {@code tmp/} and renamed into place when complete; {@code tmp/} is emptied at start, and a file whose length
 * is not what its metadata says is deleted. Writes and deletions run on the given executor, never on an event loop.
 */
final class DiskTier implements CacheTier {
    private static final Logger log = LoggerFactory.getLogger(DiskTier.class);

    private final Path objects;
    private final Path tmp;
    private final long maxBytes;
    private final Executor io;
    private final TierRemovals onRemoval;
    private final Cache<String, List<StoredResponse>> index;
    private final AtomicLong evictions = new AtomicLong();

    /**
     * @param onRemoval told of every URL that leaves (not on replacement), with whether it was evicted for space
     */
    DiskTier(Path root, long maxBytes, Executor io, TierRemovals onRemoval) {
        this.objects = root.resolve("objects");
        this.tmp = root.resolve("tmp");
        this.maxBytes = maxBytes;
        this.io = io;
        this.onRemoval = onRemoval;
        this.index = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String url, List<StoredResponse> rs) -> (int) Math.min(Integer.MAX_VALUE, fileBytes(rs)))
                .executor(Runnable::run)
                .removalListener((String url, List<StoredResponse> rs, RemovalCause cause) -> {
                    if (cause == RemovalCause.REPLACED) {
                        return; // save() deletes what the replacement no longer uses
                    }
                    if (cause.wasEvicted()) {
                        evictions.incrementAndGet();
                    }
                    deleteLater(rs);
                    if (url != null) {
                        onRemoval.removed(url, rs == null ? List.of() : rs, cause.wasEvicted());
                    }
                })
                .build();
    }

    /**
     * Creates the directories, empties {@code tmp/} and reads back every complete stored response (on the calling
     * thread: call it at start, not on an event loop).
     *
     * @return the responses read, for the caller's indexes
     */
    List<StoredResponse> start() throws IOException {
        Files.createDirectories(objects);
        Files.createDirectories(tmp);
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tmp)) {
            for (Path p : leftovers) {
                Files.deleteIfExists(p); // writes a crash interrupted
            }
        }
        List<StoredResponse> read = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(objects)) {
            for (Path dir : dirs) {
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                    for (Path f : files) {
                        readBack(f, read);
                    }
                }
            }
        }
        // Newest first within a URL, as the lists are kept.
        read.sort((a, b) -> Long.compare(b.responseTime, a.responseTime));
        for (StoredResponse r : read) {
            List<StoredResponse> had = index.getIfPresent(r.url);
            List<StoredResponse> list = new ArrayList<>(had == null ? List.of() : had);
            list.add(r);
            index.put(r.url, List.copyOf(list));
        }
        log.info("cache disk={} {} stored responses read back ({} bytes)", objects.getParent(), read.size(), bytes());
        return read;
    }

    private void readBack(Path f, List<StoredResponse> out) {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer prefix = ByteBuffer.allocate(DiskFormat.PREFIX);
            if (size < DiskFormat.PREFIX || ch.read(prefix, 0) != DiskFormat.PREFIX) {
                throw new IOException("too short");
            }
            int metaLength = DiskFormat.metaLength(prefix, size);
            if (metaLength < 0) {
                throw new IOException("not a stored response");
            }
            ByteBuffer meta = ByteBuffer.allocate(metaLength);
            while (meta.hasRemaining() && ch.read(meta, DiskFormat.PREFIX + meta.position()) > 0) {
                // read on
            }
            meta.flip();
            out.add(DiskFormat.read(f, size, prefix, meta));
        } catch (IOException | RuntimeException e) {
            log.warn("cache disk file={} unreadable, deleted: {}", f, e.toString());
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // next start tries again
            }
        }
    }

    /** The responses for {@code url}, newest first, without waiting. */
    List<StoredResponse> peek(String url) {
        List<StoredResponse> rs = index.getIfPresent(url);
        return rs == null ? List.of() : rs;
    }

    @Override
    public CompletionStage<List<StoredResponse>> load(String url) {
        return CompletableFuture.completedFuture(peek(url));
    }

    /**
     * Writes the responses of {@code url} that are not on disk yet (in the background) and then replaces the URL's
     * entry; the bodies are retained until written.
     */
    @Override
    public void save(String url, List<StoredResponse> responses) {
        List<StoredResponse> held = new ArrayList<>(responses.size());
        for (StoredResponse r : responses) {
            if (!r.body.retain()) {
                held.forEach(h -> h.body.release());
                return;
            }
            held.add(r);
        }
        io.execute(() -> {
            List<StoredResponse> written = new ArrayList<>(held.size());
            try {
                List<StoredResponse> current = peek(url);
                for (StoredResponse r : held) {
                    written.add(current.contains(r) ? r : write(r)); // unchanged variants keep their files
                }
                if (fileBytes(written) <= maxBytes) {
                    List<StoredResponse> previous = index.asMap().put(url, List.copyOf(written));
                    deleteUnused(previous, written);
                } else {
                    deleteUnused(written, List.of());
                }
            } catch (IOException | RuntimeException e) {
                log.warn("cache disk url={} not written: {}", url, e.toString());
                deleteUnused(written, peek(url));
            } finally {
                held.forEach(h -> h.body.release());
            }
        });
    }

    /** One response as a file: the same file when it already is one with the same fields, else a new one. */
    private StoredResponse write(StoredResponse r) throws IOException {
        Path dir = objects.resolve(HexFormat.of().toHexDigits((byte) ThreadLocalRandom.current().nextInt()));
        Files.createDirectories(dir);
        String name = Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(System.nanoTime());
        Path part = tmp.resolve(name + ".tmp");
        Path done = dir.resolve(name);
        ByteBuffer head = DiskFormat.head(r, r.body.length());
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (head.hasRemaining()) {
                out.write(head);
            }
            if (r.body instanceof Body.Memory m) {
                ByteBuf content = m.content();
                ByteBuffer src = content.nioBuffer(content.readerIndex(), content.readableBytes());
                while (src.hasRemaining()) {
                    out.write(src);
                }
            } else if (r.body instanceof Body.File f) {
                try (FileChannel in = FileChannel.open(f.path(), StandardOpenOption.READ)) {
                    long copied = 0;
                    while (copied < f.length()) {
                        long n = in.transferTo(f.offset() + copied, f.length() - copied, out);
                        if (n <= 0) {
                            throw new IOException("source shrank");
                        }
                        copied += n;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        Files.move(part, done, StandardCopyOption.ATOMIC_MOVE);
        long offset = head.limit();
        return r.withBody(new Body.File(done, offset, r.body.length()));
    }

    @Override
    public boolean remove(String url) {
        return index.asMap().remove(url) != null;
    }

    private void deleteUnused(List<StoredResponse> old, List<StoredResponse> kept) {
        if (old == null) {
            return;
        }
        for (StoredResponse r : old) {
            if (r.body instanceof Body.File f && kept.stream().noneMatch(k -> k.body instanceof Body.File kf
                    && kf.path().equals(f.path()))) {
                delete(f.path());
            }
        }
    }

    private void deleteLater(List<StoredResponse> rs) {
        if (rs != null && !rs.isEmpty()) {
            io.execute(() -> rs.forEach(r -> {
                if (r.body instanceof Body.File f) {
                    delete(f.path());
                }
            }));
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("cache disk file={} not deleted: {}", p, e.toString());
        }
    }

    @Override
    public long bytes() {
        return index.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }

    @Override
    public long entries() {
        return index.estimatedSize();
    }

    long evictions() {
        return evictions.get();
    }

    @Override
    public String name() {
        return "disk";
    }

    /** Files stay: they are read back at the next start. */
    @Override
    public void close() {
    }

    void cleanUp() {
        index.cleanUp();
    }

    private static long fileBytes(List<StoredResponse> rs) {
        long n = 0;
        for (StoredResponse r : rs) {
            n += r.body.length() + 512;
        }
        return n;
    }
}
