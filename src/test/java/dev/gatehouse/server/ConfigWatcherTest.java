package dev.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a change to the config file asks for a reload: once it has settled, once per version, never while missing. */
class ConfigWatcherTest {
    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final AtomicInteger reloads = new AtomicInteger();
    private Path file;
    private ConfigWatcher watcher;

    @BeforeEach
    void setUp() throws Exception {
        file = dir.resolve("gatehouse.yaml");
        Files.writeString(file, "v1\n");
        watcher = new ConfigWatcher(file, reloads::incrementAndGet, clock::get);
        watcher.reading(); // the version the server started with
    }

    private void at(long millis) {
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
        watcher.check();
    }

    @Test
    void aChangeIsActedOnOnceItHasStayedTheSameForTheDebounce() throws Exception {
        watcher.check();
        assertThat(reloads).hasValue(0);

        Files.writeString(file, "v2 longer\n");
        at(0);
        at(250);
        assertThat(reloads).as("not settled yet").hasValue(0);
        Files.writeString(file, "v3 longer still\n"); // the editor writes again
        at(250);
        at(250);
        assertThat(reloads).as("the debounce restarted with the new version").hasValue(0);
        at(250);
        assertThat(reloads).hasValue(1);
        at(250);
        at(1000);
        assertThat(reloads).as("the same version is not reloaded twice").hasValue(1);
    }

    @Test
    void aFileRenamedOverTheOldOneIsSeenAndAMissingFileIsWaitedOut() throws Exception {
        Files.delete(file);
        at(0);
        at(1000);
        assertThat(reloads).as("missing for a moment: nothing to reload").hasValue(0);

        Path tmp = dir.resolve("gatehouse.yaml.tmp");
        Files.writeString(tmp, "v2\n");
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        at(0);
        at(600);
        assertThat(reloads).hasValue(1);
    }

    @Test
    void aVersionAReloadAlreadyReadIsNotReloadedAgain() throws Exception {
        Files.writeString(file, "v2 from an editor\n");
        at(0);
        watcher.reading(); // SIGHUP or the admin API reloaded it meanwhile
        at(600);
        at(600);
        assertThat(reloads).hasValue(0);
    }
}
