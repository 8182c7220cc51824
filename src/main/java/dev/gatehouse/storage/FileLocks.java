package dev.gatehouse.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/** OS file locks with a bounded wait, for {@link FileStorage#lock}. */
final class FileLocks {

    private static final long POLL_MILLIS = 50;

    private FileLocks() {
    }

    static Storage.Lock acquire(Path file, String name, Duration maxWait)
            throws StorageException, InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            FileChannel channel;
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw StorageException.of("open lock", file, e);
            }
            try {
                // A FileLock is held per process; a second channel of this JVM on the same file gets
                // OverlappingFileLockException, which therefore also serves as the guard between threads.
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return new Held(name, lock, channel);
                }
            } catch (OverlappingFileLockException e) {
                // held by another thread of this JVM: wait as for another process
            } catch (IOException e) {
                closeQuietly(channel);
                throw StorageException.of("lock", file, e);
            }
            closeQuietly(channel);
            if (System.nanoTime() - deadline >= 0) {
                throw new StorageLockedException("storage: " + file + " is held by another gatehouse process or "
                        + "thread for more than " + maxWait.toSeconds() + "s (issuance of " + name
                        + " in progress elsewhere?)");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** A lock this process holds until {@link #close()}. */
    private static final class Held implements Storage.Lock {
        private final String name;
        private final FileLock lock;
        private final FileChannel channel;

        Held(String name, FileLock lock, FileChannel channel) {
            this.name = name;
            this.lock = lock;
            this.channel = channel;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean isHeld() {
            return lock.isValid();
        }

        @Override
        public void close() {
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the channel releases it anyway
            } finally {
                closeQuietly(channel);
            }
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}
