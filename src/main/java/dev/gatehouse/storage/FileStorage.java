package dev.gatehouse.storage;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Certificates, keys and ACME accounts in a directory (by default {@code data/} beside the config). Several
 * Gatehouse processes may share one directory: {@link #lock(String)} makes sure only one issues a given name.
 *
 * <h2>Layout</h2>
 * <pre>
 * ROOT/                                 0700
 *   certificates/&lt;name&gt;/                0700  name lower case; *.example.com is stored as _wildcard_.example.com
 *     cert.pem                          0644  chain, leaf first
 *     key.pem                           0600  PKCS#8 private key of the leaf
 *     meta.properties                   0644  source (acme|internal|files|certbot), issuer, directory, not_after,
 *                                             last_error, last_attempt, next_renewal (instants in ISO-8601 UTC)
 *   accounts/&lt;directory-host&gt;/account.key  0600  ACME account key (host[_port] of the directory URL)
 *   local-ca/root.pem                   0644  local CA certificate
 *   local-ca/root.key                   0600  local CA private key
 *   locks/&lt;name&gt;.lock                       lock files (content irrelevant; never deleted, to avoid races)
 * </pre>
 *
 * <h2>Guarantees</h2>
 * Every file is written to a temporary file in the same directory (created with its final permissions, so a key is
 * never readable by others, not even for a moment), flushed to disk, then renamed over the old one
 * ({@code ATOMIC_MOVE}). A failed write (disk full, read-only file system) leaves the previous file intact and
 * throws a {@link StorageException} saying why. For a certificate both temporary files are complete before either
 * rename; should the process die between the two renames, {@link #loadCertificate} reports the mismatch instead
 * of serving a key that does not belong to the certificate.
 *
 * <p>All methods block on disk I/O: call them from a blocking executor, never from an event loop. The object is
 * thread-safe and does no I/O until {@link #open()}.
 */
public final class FileStorage {

    /** How long {@link #lock(String)} waits for another holder before giving up. */
    public static final Duration DEFAULT_LOCK_WAIT = Duration.ofMinutes(5);

    static final String WILDCARD_PREFIX = "_wildcard_.";
    private static final Pattern NAME = Pattern.compile("(\\*\\.)?[a-z0-9_:\\[\\]-]+(\\.[a-z0-9_-]+)*");
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

    /** Creates the directory tree (mode 0700) if missing, and checks it is writable. */
    public void open() throws StorageException {
        for (Path dir : List.of(root, root.resolve("certificates"), root.resolve("accounts"),
                root.resolve("local-ca"), root.resolve("locks"))) {
            createDirectory(dir);
        }
        if (!Files.isWritable(root)) {
            throw new StorageException("storage: directory " + root + " is not writable (expected: writable by "
                    + "the user running gatehouse)");
        }
    }

    // ---- certificates ------------------------------------------------------------------------------------------

    /** The directory of {@code name}'s files. */
    public Path certificateDir(String name) {
        return root.resolve("certificates").resolve(fileName(name));
    }

    /** The stored certificate for {@code name}, or empty when there is none (yet). */
    public Optional<CertifiedKey> loadCertificate(String name) throws StorageException {
        Path dir = certificateDir(name);
        Optional<String> cert = readIfExists(dir.resolve("cert.pem"));
        Optional<String> key = readIfExists(dir.resolve("key.pem"));
        if (cert.isEmpty() || key.isEmpty()) {
            return Optional.empty();
        }
        try {
            CertifiedKey certified = new CertifiedKey(Pem.readCertificates(cert.get()), Pem.readPrivateKey(key.get()));
            if (!certified.keyMatches()) {
                throw new StorageException("storage: " + dir.resolve("key.pem") + " does not match "
                        + dir.resolve("cert.pem") + " (expected: the private key of the first certificate)");
            }
            return Optional.of(certified);
        } catch (PemException e) {
            throw new StorageException("storage: " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Stores {@code certificate} for {@code name}, replacing any previous one atomically (key 0600). */
    public void saveCertificate(String name, CertifiedKey certificate) throws StorageException {
        Path dir = certificateDir(name);
        createDirectory(dir);
        // Key first: a reader between the two renames sees a mismatch (reported), never a foreign key served.
        writeAll(List.of(
                new Pending(dir.resolve("key.pem"), Pem.bytes(Pem.writePrivateKey(certificate.key())), SECRET),
                new Pending(dir.resolve("cert.pem"), Pem.bytes(Pem.writeCertificates(certificate.chain())), PUBLIC)));
    }

    /** The stored meta data for {@code name}, or empty. */
    public Optional<CertificateMeta> loadMeta(String name) throws StorageException {
        Path file = certificateDir(name).resolve("meta.properties");
        Optional<String> text = readIfExists(file);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            Properties p = new Properties();
            p.load(new StringReader(text.get()));
            return Optional.of(new CertificateMeta(
                    CertificateMeta.Source.parse(p.getProperty("source", "")),
                    opt(p, "issuer", Function.identity()),
                    opt(p, "directory", URI::create),
                    opt(p, "not_after", Instant::parse),
                    opt(p, "last_error", Function.identity()),
                    opt(p, "last_attempt", Instant::parse),
                    opt(p, "next_renewal", Instant::parse)));
        } catch (IOException | RuntimeException e) {
            throw new StorageException("storage: " + file + ": " + e.getMessage(), e);
        }
    }

    /** Stores {@code meta} for {@code name} atomically. */
    public void saveMeta(String name, CertificateMeta meta) throws StorageException {
        Path dir = certificateDir(name);
        createDirectory(dir);
        Map<String, String> values = new TreeMap<>();
        values.put("source", meta.source().key());
        meta.issuer().ifPresent(v -> values.put("issuer", v));
        meta.directory().ifPresent(v -> values.put("directory", v.toString()));
        meta.notAfter().ifPresent(v -> values.put("not_after", v.toString()));
        meta.lastError().ifPresent(v -> values.put("last_error", v));
        meta.lastAttempt().ifPresent(v -> values.put("last_attempt", v.toString()));
        meta.nextRenewal().ifPresent(v -> values.put("next_renewal", v.toString()));
        StringBuilder out = new StringBuilder("# written by gatehouse; see docs/storage.md\n");
        values.forEach((k, v) -> out.append(k).append('=').append(escape(v)).append('\n'));
        writeAll(List.of(new Pending(dir.resolve("meta.properties"),
                out.toString().getBytes(StandardCharsets.UTF_8), PUBLIC)));
    }

    /** Names of all stored certificates ({@code *.example.com} for wildcards), sorted. */
    public List<String> certificateNames() throws StorageException {
        Path dir = root.resolve("certificates");
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path entry : entries) {
                String file = entry.getFileName().toString();
                names.add(file.startsWith(WILDCARD_PREFIX) ? "*." + file.substring(WILDCARD_PREFIX.length()) : file);
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw StorageException.of("list", dir, e);
        }
        names.sort(null);
        return names;
    }

    /** Deletes {@code name}'s files; true when there was something to delete. */
    public boolean deleteCertificate(String name) throws StorageException {
        Path dir = certificateDir(name);
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                Files.deleteIfExists(entry);
            }
            Files.deleteIfExists(dir);
            return true;
        } catch (IOException e) {
            throw StorageException.of("delete", dir, e);
        }
    }

    // ---- ACME accounts -----------------------------------------------------------------------------------------

    /** The account key file for an ACME directory. */
    public Path accountKeyFile(URI directory) {
        String host = Objects.requireNonNull(directory.getHost(), () -> "ACME directory URL without host: " + directory);
        String dir = directory.getPort() < 0 ? host : host + "_" + directory.getPort();
        return root.resolve("accounts").resolve(fileName(dir)).resolve("account.key");
    }

    /** The account key pair for an ACME directory, or empty when no account was created there yet. */
    public Optional<KeyPair> loadAccountKey(URI directory) throws StorageException {
        Path file = accountKeyFile(directory);
        Optional<String> pem = readIfExists(file);
        if (pem.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Pem.readKeyPair(pem.get()));
        } catch (PemException e) {
            throw new StorageException("storage: " + file + ": " + e.getMessage(), e);
        }
    }

    /** Stores the account key for an ACME directory (0600). */
    public void saveAccountKey(URI directory, PrivateKey key) throws StorageException {
        Path file = accountKeyFile(directory);
        createDirectory(file.getParent());
        writeAll(List.of(new Pending(file, Pem.bytes(Pem.writePrivateKey(key)), SECRET)));
    }

    // ---- local CA ----------------------------------------------------------------------------------------------

    /** The local CA's root certificate and key, or empty before it is first created. */
    public Optional<CertifiedKey> loadLocalCa() throws StorageException {
        Path dir = root.resolve("local-ca");
        Optional<String> cert = readIfExists(dir.resolve("root.pem"));
        Optional<String> key = readIfExists(dir.resolve("root.key"));
        if (cert.isEmpty() || key.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new CertifiedKey(Pem.readCertificates(cert.get()), Pem.readPrivateKey(key.get())));
        } catch (PemException e) {
            throw new StorageException("storage: " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Stores the local CA (root.key 0600). */
    public void saveLocalCa(CertifiedKey root) throws StorageException {
        Path dir = this.root.resolve("local-ca");
        createDirectory(dir);
        writeAll(List.of(
                new Pending(dir.resolve("root.key"), Pem.bytes(Pem.writePrivateKey(root.key())), SECRET),
                new Pending(dir.resolve("root.pem"), Pem.bytes(Pem.writeCertificates(root.chain())), PUBLIC)));
    }

    // ---- locks -------------------------------------------------------------------------------------------------

    /** A held lock; {@link #close()} releases it. */
    public interface Lock extends AutoCloseable {
        @Override
        void close();
    }

    /** {@link #lock(String, Duration)} with {@link #DEFAULT_LOCK_WAIT}. */
    public Lock lock(String name) throws StorageException, InterruptedException {
        return lock(name, DEFAULT_LOCK_WAIT);
    }

    /**
     * Takes the lock for {@code name} ({@code locks/<name>.lock}), waiting up to {@code maxWait} while another
     * thread of this JVM or another process holds it. Not reentrant. Used to issue a name once across processes
     * sharing the directory: take the lock, reload the certificate (someone else may have just renewed it), issue
     * only if still needed, save, close the lock.
     *
     * @throws StorageLockedException when still held by someone else after {@code maxWait}
     */
    public Lock lock(String name, Duration maxWait) throws StorageException, InterruptedException {
        Path file = root.resolve("locks").resolve(fileName(name) + ".lock");
        createDirectory(file.getParent());
        return FileLocks.acquire(file, name, maxWait);
    }

    // ---- names -------------------------------------------------------------------------------------------------

    /**
     * The file name for a certificate name: lower case, {@code *.} replaced by {@code _wildcard_.} (a star in a
     * file name trips shells and globs). Refuses anything that is not a host name or IP literal, so no name can
     * escape its directory.
     */
    public static String fileName(String name) {
        String lower = Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT);
        if (!NAME.matcher(lower).matches() || lower.contains("..") || lower.length() > 255) {
            throw new IllegalArgumentException("certificate name \"" + name
                    + "\" (expected: a host name such as app.example.com or *.example.com, or an IP address)");
        }
        return lower.startsWith("*.") ? WILDCARD_PREFIX + lower.substring(2) : lower;
    }

    // ---- files -------------------------------------------------------------------------------------------------

    private record Pending(Path target, byte[] content, Set<PosixFilePermission> mode) {
    }

    /** Writes every file to a temporary sibling, then renames them in order; on failure no target is touched. */
    private static void writeAll(List<Pending> files) throws StorageException {
        List<Path> temps = new ArrayList<>();
        try {
            for (Pending file : files) {
                temps.add(writeTemp(file));
            }
            for (int i = 0; i < files.size(); i++) {
                Path target = files.get(i).target();
                try {
                    Files.move(temps.get(i), target, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw StorageException.of("replace", target, e);
                }
            }
            syncDirectory(files.get(0).target().getParent());
        } finally {
            for (Path temp : temps) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort: a stray .tmp file is harmless and is overwritten by name never
                }
            }
        }
    }

    private static Path writeTemp(Pending file) throws StorageException {
        Path dir = file.target().getParent();
        Path temp;
        try {
            temp = Files.createTempFile(dir, "." + file.target().getFileName() + ".", ".tmp", posix(dir, file.mode()));
        } catch (IOException e) {
            throw StorageException.of("write", file.target(), e);
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(file.content());
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
            throw StorageException.of("write", file.target(), e);
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

    private static Optional<String> readIfExists(Path file) throws StorageException {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw StorageException.of("read", file, e);
        }
    }

    private static <T> Optional<T> opt(Properties p, String key, Function<String, T> parse) {
        String value = p.getProperty(key);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(parse.apply(value));
    }

    /** Escapes a value for {@link Properties#load}: backslashes, line breaks, and leading blanks. */
    private static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case ' ' -> out.append(i == 0 ? "\\ " : " ");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
