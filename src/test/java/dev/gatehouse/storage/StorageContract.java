package dev.gatehouse.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link Storage} must do, whatever it stores in: a subclass supplies a fresh, empty backend and passes
 * every test here unchanged ({@code FileStorageTest} for files; a Redis store extends it the same way).
 */
@Timeout(60)
public abstract class StorageContract {

    /** A lock held by another process (or whatever the backend's equivalent of a separate holder is). */
    protected interface ForeignHolder extends AutoCloseable {
        /** The holder dies without releasing: killed, crashed, cut off. */
        void die() throws Exception;

        @Override
        void close() throws Exception;
    }

    /** A new storage on a fresh, empty backend; not yet opened. */
    protected abstract Storage newStorage() throws Exception;

    /** A second instance on the same backend as {@code storage}, as another process would have; not yet opened. */
    protected abstract Storage sameBackend(Storage storage) throws Exception;

    /** Takes lock {@code name} on {@code storage}'s backend in another process, and returns once it is held. */
    protected abstract ForeignHolder holdInAnotherProcess(Storage storage, String name) throws Exception;

    protected Storage storage;

    @BeforeEach
    void openStorage() throws Exception {
        storage = newStorage();
        storage.open();
    }

    @AfterEach
    void closeStorage() throws Exception {
        if (storage instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private String value(String key) throws StorageException {
        return storage.get(key).map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
    }

    @Test
    void aMissingKeyHasNoValueNoStatAndDoesNotExist() throws Exception {
        assertThat(storage.get("certificates/a.example.com/cert.pem")).isEmpty();
        assertThat(storage.exists("certificates/a.example.com/cert.pem")).isFalse();
        assertThat(storage.stat("certificates/a.example.com/cert.pem")).isEmpty();
        assertThat(storage.delete("certificates/a.example.com/cert.pem")).isFalse();
        assertThat(storage.list("certificates", true)).isEmpty();
        assertThat(storage.list("certificates", false)).isEmpty();
    }

    @Test
    void putThenGetReturnsTheSameBytesAndStatDescribesThem() throws Exception {
        byte[] value = new byte[1000];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i; // every byte value, zeros included
        }
        Instant before = Instant.now().minusSeconds(2);

        storage.put("a/b/c.bin", value, Storage.Visibility.PUBLIC);

        assertThat(storage.get("a/b/c.bin")).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
        assertThat(storage.exists("a/b/c.bin")).isTrue();
        Optional<Storage.KeyInfo> info = storage.stat("a/b/c.bin");
        assertThat(info).isPresent();
        assertThat(info.get().key()).isEqualTo("a/b/c.bin");
        assertThat(info.get().size()).isEqualTo(1000);
        assertThat(info.get().terminal()).isTrue();
        assertThat(info.get().modified()).isAfter(before).isBefore(Instant.now().plusSeconds(2));
        assertThat(storage.stat("a/b")).hasValueSatisfying(d -> assertThat(d.terminal()).isFalse());
        assertThat(storage.exists("a/b")).isTrue();
    }

    @Test
    void anEmptyValueIsAValue() throws Exception {
        storage.put("empty", new byte[0], Storage.Visibility.PUBLIC);

        assertThat(storage.get("empty")).hasValueSatisfying(v -> assertThat(v).isEmpty());
        assertThat(storage.exists("empty")).isTrue();
    }

    @Test
    void putReplacesAndSecretValuesReadBackTheSame() throws Exception {
        storage.put("k", bytes("one"), Storage.Visibility.PUBLIC);
        storage.put("k", bytes("two"), Storage.Visibility.SECRET);

        assertThat(value("k")).isEqualTo("two");
    }

    @Test
    void putAllWritesEveryEntry() throws Exception {
        storage.put("pair/key.pem", bytes("old key"), Storage.Visibility.SECRET);

        storage.putAll(List.of(new Storage.Entry("pair/key.pem", bytes("new key"), Storage.Visibility.SECRET),
                new Storage.Entry("pair/cert.pem", bytes("new cert"), Storage.Visibility.PUBLIC)));

        assertThat(value("pair/key.pem")).isEqualTo("new key");
        assertThat(value("pair/cert.pem")).isEqualTo("new cert");
    }

    @Test
    void listGivesChildrenOrEveryKeyBelowSorted() throws Exception {
        for (String key : List.of("certificates/b.example.com/cert.pem", "certificates/b.example.com/key.pem",
                "certificates/a.example.com/cert.pem", "certificates/a.example.com/sub/deep", "certificatesx/other",
                "top")) {
            storage.put(key, bytes(key), Storage.Visibility.PUBLIC);
        }

        assertThat(storage.list("certificates", false))
                .containsExactly("certificates/a.example.com", "certificates/b.example.com");
        assertThat(storage.list("certificates", true)).containsExactly("certificates/a.example.com/cert.pem",
                "certificates/a.example.com/sub/deep", "certificates/b.example.com/cert.pem",
                "certificates/b.example.com/key.pem");
        assertThat(storage.list("certificates/a.example.com", false))
                .containsExactly("certificates/a.example.com/cert.pem", "certificates/a.example.com/sub");
        assertThat(storage.list("", false)).containsExactly("certificates", "certificatesx", "top");
        assertThat(storage.list("top", true)).as("a key with a value has nothing below it").isEmpty();
    }

    @Test
    void deleteRemovesAKeyOrEverythingBelowADirectory() throws Exception {
        storage.put("d/x/1", bytes("1"), Storage.Visibility.PUBLIC);
        storage.put("d/x/2/3", bytes("3"), Storage.Visibility.PUBLIC);
        storage.put("d/y", bytes("y"), Storage.Visibility.PUBLIC);

        assertThat(storage.delete("d/y")).isTrue();
        assertThat(storage.delete("d/y")).isFalse();
        assertThat(storage.exists("d/y")).isFalse();
        assertThat(storage.delete("d/x")).isTrue();

        assertThat(storage.list("d", true)).isEmpty();
        assertThat(storage.get("d/x/2/3")).isEmpty();
        assertThat(storage.exists("d/x")).isFalse();
    }

    @Test
    void keysThatCouldLeaveTheStoreAreRefused() {
        for (String bad : List.of("", "/abs", "a//b", "a/", "../x", "a/../b", "..", ".", "a/./b", ".hidden",
                "a b", "a\\b", "x/\u00e9", "a\nb")) {
            assertThatThrownBy(() -> storage.get(bad)).as("get \"%s\"", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected");
            assertThatThrownBy(() -> storage.put(bad, bytes("x"), Storage.Visibility.PUBLIC)).as("put \"%s\"", bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> storage.lock("a/b", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysMayHoldHostNamesIpLiteralsAndSuffixes() throws Exception {
        for (String key : List.of("certificates/_wildcard_.example.com/cert.pem", "certificates/::1/cert.pem",
                "certificates/[::1]/x", "certificates/app.example.com+rsa2048/cert.pem", "accounts/localhost_14000/a")) {
            storage.put(key, bytes(key), Storage.Visibility.PUBLIC);
            assertThat(value(key)).isEqualTo(key);
        }
    }

    @Test
    void anotherInstanceOnTheSameBackendSeesTheWrites() throws Exception {
        Storage other = sameBackend(storage);
        other.open();
        try {
            storage.put("shared/k", bytes("v1"), Storage.Visibility.PUBLIC);
            assertThat(other.get("shared/k").map(String::new)).contains("v1");
            other.put("shared/k", bytes("v2"), Storage.Visibility.PUBLIC);
            assertThat(value("shared/k")).isEqualTo("v2");
            other.delete("shared");
            assertThat(storage.exists("shared/k")).isFalse();
        } finally {
            if (other instanceof AutoCloseable c) {
                c.close();
            }
        }
    }

    @Test
    void readersNeverSeeAPartialValue() throws Exception {
        byte[] a = new byte[256 * 1024];
        byte[] b = new byte[256 * 1024];
        Arrays.fill(a, (byte) 'a');
        Arrays.fill(b, (byte) 'b');
        storage.put("big", a, Storage.Visibility.PUBLIC);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<String> torn = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            try {
                while (writing.get() && torn.get() == null) {
                    byte[] v = storage.get("big").orElseThrow();
                    reads.incrementAndGet();
                    if (!Arrays.equals(v, a) && !Arrays.equals(v, b)) {
                        torn.set("read " + v.length + " bytes mixing old and new");
                    }
                }
            } catch (StorageException e) {
                torn.set(e.toString());
            }
        });
        try {
            for (int i = 0; i < 100 && torn.get() == null; i++) {
                storage.put("big", i % 2 == 0 ? b : a, Storage.Visibility.PUBLIC);
            }
        } finally {
            writing.set(false);
        }
        reader.get(30, TimeUnit.SECONDS);
        assertThat(torn.get()).isNull();
        assertThat(reads.get()).isPositive();
    }

    @Test
    void lockExcludesAnotherInstanceUntilClosed() throws Exception {
        Storage other = sameBackend(storage);
        other.open();
        try (Storage.Lock held = storage.lock("a.example.com", Duration.ofSeconds(5))) {
            assertThat(held.name()).isEqualTo("a.example.com");
            assertThat(held.isHeld()).isTrue();
            CompletableFuture<Throwable> attempt = CompletableFuture.supplyAsync(() -> {
                try (Storage.Lock ignored = other.lock("a.example.com", Duration.ofMillis(300))) {
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            assertThat(attempt.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(StorageLockedException.class).hasMessageContaining("a.example.com");
            try (Storage.Lock b = other.lock("b.example.com", Duration.ZERO)) {
                assertThat(b.isHeld()).as("another name is independent").isTrue();
            }
        }
        try (Storage.Lock again = other.lock("a.example.com", Duration.ofSeconds(5))) {
            assertThat(again.isHeld()).isTrue();
        } finally {
            if (other instanceof AutoCloseable c) {
                c.close();
            }
        }
    }

    @Test
    void lockExcludesAnotherThreadOfTheSameInstance() throws Exception {
        try (Storage.Lock held = storage.lock("same", Duration.ofSeconds(5))) {
            CompletableFuture<Throwable> attempt = CompletableFuture.supplyAsync(() -> {
                try (Storage.Lock ignored = storage.lock("same", Duration.ofMillis(200))) {
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            assertThat(attempt.get(10, TimeUnit.SECONDS)).isInstanceOf(StorageLockedException.class);
        }
    }

    @Test
    void aWaiterGetsTheLockOnceTheHolderReleases() throws Exception {
        Storage.Lock held = storage.lock("w", Duration.ofSeconds(5));
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            started.countDown();
            try (Storage.Lock ignored = storage.lock("w", Duration.ofSeconds(20))) {
                return true;
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(300);
        assertThat(waiter).isNotDone();

        held.close();

        assertThat(waiter.get(20, TimeUnit.SECONDS)).isTrue();
        assertThat(held.isHeld()).isFalse();
        held.close(); // twice is harmless
    }

    @Test
    void aLockHeldByAnotherProcessExcludesUntilThatProcessDies() throws Exception {
        try (ForeignHolder holder = holdInAnotherProcess(storage, "crash.example.com")) {
            assertThatThrownBy(() -> storage.lock("crash.example.com", Duration.ofMillis(300)))
                    .isInstanceOf(StorageLockedException.class).hasMessageContaining("crash.example.com");

            holder.die();

            Duration wait = storage.lockExpiry().plusSeconds(10);
            try (Storage.Lock lock = storage.lock("crash.example.com", wait)) {
                assertThat(lock.isHeld()).as("the lock of a dead holder is free within lockExpiry()").isTrue();
            }
        }
    }
}
