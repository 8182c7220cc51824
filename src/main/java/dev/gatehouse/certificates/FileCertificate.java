package dev.gatehouse.certificates;

import dev.gatehouse.storage.CertifiedKey;
import dev.gatehouse.storage.Pem;
import dev.gatehouse.storage.PemException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A certificate the user supplies as PEM files ({@code tls: { cert: FILE, key: FILE }}), including certbot's
 * {@code live/} symlinks. {@link #load()} reads and checks the pair; {@link #watch} polls the files and reloads when
 * either changes (path behind the symlink, modification time or size), handing the new certificate to a callback.
 * A broken new pair (half-copied, key of another cert) is logged once at ERROR and the previous one keeps serving.
 *
 * <p>Everything here blocks on disk: {@link #load()} belongs on a certificate executor, {@link #watch} runs on the
 * scheduler it is given, never on an event loop.
 */
public final class FileCertificate {

    /** How often {@link #watch} looks at the files unless told otherwise. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(FileCertificate.class);

    private final Path cert;
    private final Path key;
    private volatile Stamp seen;
    /** What the last poll saw, so that a change is read only once it has settled for one poll. */
    private volatile Stamp polled;

    public FileCertificate(Path cert, Path key) {
        this.cert = Objects.requireNonNull(cert, "cert");
        this.key = Objects.requireNonNull(key, "key");
    }

    public Path cert() {
        return cert;
    }

    public Path key() {
        return key;
    }

    /** A running {@link #watch}; {@link #close()} stops it. */
    public interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Reads both files and checks that the key belongs to the first certificate.
     *
     * @throws CertificateFileException naming the file and what is wrong with it
     */
    public CertifiedKey load() throws CertificateFileException {
        seen = stamp(); // before reading: a change while we read is seen by the next poll
        List<X509Certificate> chain;
        PrivateKey privateKey;
        try {
            chain = Pem.readCertificates(read(cert, "certificate"));
        } catch (PemException e) {
            throw new CertificateFileException("tls: certificate file " + cert + ": " + e.getMessage(), e);
        }
        try {
            privateKey = Pem.readPrivateKey(read(key, "key"));
        } catch (PemException e) {
            throw new CertificateFileException("tls: key file " + key + ": " + e.getMessage(), e);
        }
        CertifiedKey certified = new CertifiedKey(chain, privateKey);
        if (!certified.keyMatches()) {
            throw new CertificateFileException("tls: key " + key + " does not match certificate " + cert
                    + " (expected: the private key of the first certificate in the file)", null);
        }
        return certified;
    }

    /**
     * Polls every {@code interval} on {@code scheduler}; when the files changed since the last {@link #load()}, have
     * stayed the same for one more poll, and the new pair is good, calls {@code onChange} (on the scheduler thread)
     * with it.
     */
    public Watch watch(ScheduledExecutorService scheduler, Duration interval, Consumer<CertifiedKey> onChange) {
        Objects.requireNonNull(onChange, "onChange");
        if (seen == null) {
            seen = stamp();
        }
        long millis = interval.toMillis();
        ScheduledFuture<?> task = scheduler.scheduleWithFixedDelay(() -> poll(onChange), millis, millis,
                TimeUnit.MILLISECONDS);
        return () -> task.cancel(false);
    }

    private void poll(Consumer<CertifiedKey> onChange) {
        try {
            Stamp now = stamp();
            Stamp before = polled;
            polled = now;
            if (now.equals(seen) || !now.equals(before)) {
                // Unchanged, or still changing: a copy or a deploy script writes the two files one after the other,
                // and a pair read in between would be logged as broken although it is only half-written.
                return;
            }
            CertifiedKey next;
            try {
                next = load();
            } catch (CertificateFileException e) {
                log.error("tls cert={} key={} reload failed, still serving the previous certificate: {}",
                        cert, key, e.getMessage());
                return;
            }
            log.info("tls cert={} reloaded names={} not_after={}", cert, next.names(), next.notAfter());
            onChange.accept(next);
        } catch (Throwable t) { // a periodic task that throws is never run again
            log.error("tls cert={} key={} reload check failed: {}", cert, key, t.toString());
        }
    }

    private static String read(Path file, String what) throws CertificateFileException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new CertificateFileException("tls: " + what + " file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new CertificateFileException("tls: cannot read " + what + " file " + file + ": " + e, e);
        }
    }

    private Stamp stamp() {
        return new Stamp(FileStamp.of(cert), FileStamp.of(key));
    }

    private record Stamp(FileStamp cert, FileStamp key) {
    }

    /** Identity of a file's content as far as the file system tells cheaply; a missing file has its own stamp. */
    private record FileStamp(String realPath, long modifiedNanos, long size) {
        static FileStamp of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new FileStamp(file.toRealPath().toString(),
                        attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS), attributes.size());
            } catch (IOException e) {
                return new FileStamp(e.getClass().getSimpleName(), -1, -1);
            }
        }
    }
}
