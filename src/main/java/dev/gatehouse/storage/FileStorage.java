package dev.gatehouse.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@link Storage} in a directory (by default {@code data/} beside the config): a key is a path below the root, a
 * directory key a directory. Several Gatehouse processes may share one directory.
 *
 * <p>Every file is written to a temporary file in the same directory (created with its final mode, so a key is never
 * readable by others, not even for a moment), flushed to disk, then renamed over the old one ({@code ATOMIC_MOVE}).
 * Directories are 0700, {@link Visibility#PUBLIC} files 0644, {@link Visibility#SECRET} files 0600. Temporary files
 * start with a dot, which no key may, so they never show in {@link #list}.
 *
 * <p>Locks are OS file locks ({@code fcntl} through {@link FileChannel#tryLock}) on {@code locks/<name>.lock}: they
 * vanish with their process, so a crash never leaves a name locked ({@link #lockExpiry()} is zero). Lock files are
 * never deleted, to avoid races between a deleter and a new holder.
 */
public final class FileStorage implements Storage {

    /** The directory of lock files below the root; its files are not values. */
    static final String LOCKS = "locks";
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> SECRET = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");

    private final Path root;

    /** A storage rooted at {@code root}; nothing is touched until {@link #open()}. */
    public FileStorage(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The file of {@code key}. */
    public Path path(String key) {
        return root.resolve(Keys.check(key));
    }

    /** Creates the root directory (mode 0700) if missing, and checks it is writable. */
    @Override
    public void open() throws StorageException {
        createDirectory(root);
        if (!Files.isWritable(root)) {
            throw new StorageException("storage: directory " + root + " is not writable (expected: writable by "
                    + "the user running gatehouse)");
        }
    }

    @Override
    public String describe() {
        return root.toString();
    }

    @Override
    public Optional<byte[]> get(String key) throws StorageException {
        Path file = path(key);
        try {
            return Files.isDirectory(file) ? Optional.empty() : Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw StorageException.of("read", file, e);
        }
    }

    @Override
    public void put(String key, byte[] value, Visibility visibility) throws StorageException {
        putAll(List.of(new Entry(key, value, visibility)));
    }

    @Override
    public void putAll(List<Entry> entries) throws StorageException {
        if (entries.isEmpty()) {
            return;
        }
        List<Path> temps = new ArrayList<>();
        try {
            for (Entry entry : entries) {
                Path target = path(entry.key());
                createDirectory(target.getParent());
                temps.add(writeTemp(target, entry.value(), entry.visibility() == Visibility.SECRET ? SECRET : PUBLIC));
            }
            for (int i = 0; i < entries.size(); i++) {
                Path target = path(entries.get(i).key());
                try {
                    Files.move(temps.get(i), target, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw StorageException.of("replace", target, e);
                }
            }
            entries.stream().map(e -> path(e.key()).getParent()).distinct().forEach(FileStorage::syncDirectory);
        } finally {
            for (Path temp : temps) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort: a stray dot file is never a key, and is overwritten by name never
                }
            }
        }
    }

    @Override
    public boolean delete(String key) throws StorageException {
        Path target = path(key);
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (Stream<Path> walk = Files.walk(target)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            throw StorageException.of("delete", target, e instanceof IOException io ? io : new IOException(e));
        }
    }

    @Override
    public boolean exists(String key) throws StorageException {
        return Files.exists(path(key), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public Optional<KeyInfo> stat(String key) throws StorageException {
        Path file = path(key);
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return Optional.of(new KeyInfo(key, a.lastModifiedTime().toInstant(), a.isDirectory() ? 0 : a.size(),
                    !a.isDirectory()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw StorageException.of("stat", file, e);
        }
    }

    @Override
    public List<String> list(String prefix, boolean recursive) throws StorageException {
        Path dir = Keys.checkPrefix(prefix).isEmpty() ? root : root.resolve(prefix);
        List<String> keys = new ArrayList<>();
        try {
            collect(prefix, dir, recursive, keys);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw StorageException.of("list", dir, e);
        }
        keys.sort(null);
        return keys;
    }

    private void collect(String prefix, Path dir, boolean recursive, List<String> into) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".") || (prefix.isEmpty() && name.equals(LOCKS))) {
                    continue; // temporary files, and lock files, which are no values
                }
                String key = Keys.join(prefix, name);
                boolean directory = Files.isDirectory(entry);
                if (!recursive) {
                    into.add(key);
                } else if (directory) {
                    collect(key, entry, true, into);
                } else {
                    into.add(key);
                }
            }
        }
    }

    @Override
    public Lock lock(String name, Duration maxWait) throws StorageException, InterruptedException {
        if (Keys.check(name).contains("/")) {
            throw new IllegalArgumentException("lock name \"" + name + "\" (expected: one key segment, no /)");
        }
        Path file = root.resolve(LOCKS).resolve(name + ".lock");
        createDirectory(file.getParent());
        return FileLocks.acquire(file, name, maxWait);
    }

    /** Zero: the OS drops a process's file locks when it dies. */
    @Override
    public Duration lockExpiry() {
        return Duration.ZERO;
    }

    @Override
    public String toString() {
        return "FileStorage[" + root + "]";
    }

    // ---- files -------------------------------------------------------------------------------------------------

    private static Path writeTemp(Path target, byte[] content, Set<PosixFilePermission> mode) throws StorageException {
        Path dir = target.getParent();
        Path temp;
        try {
            temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp", posix(dir, mode));
        } catch (IOException e) {
            throw StorageException.of("write", target, e);
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
            return temp;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the write error below is what matters
            }
            throw StorageException.of("write", target, e);
        }
    }

    /** Makes the renames durable (best effort: not every file system lets a directory be fsynced). */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException ignored) {
            // the files themselves were forced; worst case a crash loses the rename, not the old file
        }
    }

    private static void createDirectory(Path dir) throws StorageException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, posix(dir.getParent() == null ? dir : dir.getParent(), DIR));
        } catch (IOException e) {
            throw StorageException.of("create directory", dir, e);
        }
    }

    private static FileAttribute<?>[] posix(Path near, Set<PosixFilePermission> mode) {
        return near.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)}
                : new FileAttribute<?>[0];
    }
}
