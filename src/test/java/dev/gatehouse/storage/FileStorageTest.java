package dev.gatehouse.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract on a directory, and what only files have: modes, layout, temporary files. */
class FileStorageTest extends StorageContract {

    @TempDir
    Path temp;

    @Override
    protected Storage newStorage() {
        return new FileStorage(temp.resolve("data"));
    }

    @Override
    protected Storage sameBackend(Storage storage) {
        return new FileStorage(((FileStorage) storage).root());
    }

    /** A JVM that locks the file the way FileStorage does (fcntl via FileChannel) until it is killed. */
    @Override
    protected ForeignHolder holdInAnotherProcess(Storage storage, String name) throws Exception {
        Path lockFile = ((FileStorage) storage).root().resolve("locks").resolve(name + ".lock");
        Files.createDirectories(lockFile.getParent());
        Path holder = temp.resolve("LockHolder.java");
        Files.writeString(holder, """
                import java.nio.channels.FileChannel;
                import java.nio.file.*;
                public class LockHolder {
                    public static void main(String[] args) throws Exception {
                        try (FileChannel ch = FileChannel.open(Path.of(args[0]),
                                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                             var lock = ch.lock()) {
                            System.out.println("locked");
                            System.out.flush();
                            Thread.sleep(60_000);
                        }
                    }
                }
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, holder.toString(), lockFile.toString())
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("locked");
        return new ForeignHolder() {
            @Override
            public void die() throws Exception {
                process.destroyForcibly(); // SIGKILL: no chance to release; the OS drops the lock
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }

            @Override
            public void close() throws Exception {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        };
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void constructorTouchesNothingAndOpenCreatesAPrivateRoot() throws Exception {
        FileStorage fresh = new FileStorage(temp.resolve("fresh"));
        assertThat(temp.resolve("fresh")).doesNotExist();

        fresh.open();

        assertThat(mode(temp.resolve("fresh"))).isEqualTo("rwx------");
    }

    @Test
    void keysArePathsWithPrivateDirectoriesAndSecretFilesOwnerOnly() throws Exception {
        storage.put("certificates/a.example.com/key.pem", "k".getBytes(), Storage.Visibility.SECRET);
        storage.put("certificates/a.example.com/cert.pem", "c".getBytes(), Storage.Visibility.PUBLIC);

        Path dir = temp.resolve("data/certificates/a.example.com");
        assertThat(mode(temp.resolve("data/certificates"))).isEqualTo("rwx------");
        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("key.pem"))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("cert.pem"))).isEqualTo("rw-r--r--");
        assertThat(dir.resolve("cert.pem")).hasContent("c");
    }

    @Test
    void replacingLeavesNoTemporaryFilesAndLocksAreNoValues() throws Exception {
        storage.put("x/k", "1".getBytes(), Storage.Visibility.SECRET);
        storage.put("x/k", "2".getBytes(), Storage.Visibility.SECRET);
        try (Storage.Lock ignored = storage.lock("x")) {
            assertThat(temp.resolve("data/locks/x.lock")).exists();
            assertThat(storage.list("", false)).containsExactly("x");
        }
        try (Stream<Path> files = Files.list(temp.resolve("data/x"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("k");
        }
    }

    @Test
    void aFailedWriteKeepsEveryPreviousValueAndSaysWhy() throws Exception {
        storage.put("p/a", "old a".getBytes(), Storage.Visibility.PUBLIC);
        storage.put("p/b", "old b".getBytes(), Storage.Visibility.PUBLIC);
        // b's place is taken by a non-empty directory: replacing it must fail, and a must not change either.
        Files.delete(temp.resolve("data/p/b"));
        Files.createDirectories(temp.resolve("data/p/b/blocker"));
        storage.put("p/b/blocker/x", "x".getBytes(), Storage.Visibility.PUBLIC);

        assertThatThrownBy(() -> storage.putAll(List.of(
                new Storage.Entry("p/b", "new b".getBytes(), Storage.Visibility.PUBLIC),
                new Storage.Entry("p/a", "new a".getBytes(), Storage.Visibility.PUBLIC))))
                .isInstanceOf(StorageException.class).hasMessageContaining("p/b");

        assertThat(storage.get("p/a").map(String::new)).contains("old a");
        try (Stream<Path> files = Files.list(temp.resolve("data/p"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
        }
    }
}
