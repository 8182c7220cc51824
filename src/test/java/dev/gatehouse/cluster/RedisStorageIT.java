package dev.gatehouse.cluster;

import dev.gatehouse.config.Cluster;
import dev.gatehouse.storage.Storage;
import dev.gatehouse.storage.StorageContract;
import dev.gatehouse.storage.StorageException;
import dev.gatehouse.storage.StorageLockedException;
import dev.gatehouse.testing.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The storage contract on a real redis-server, and what only Redis has: encrypted private keys, fenced writes after a
 * lost lock (also from a process frozen with SIGSTOP past its lock's expiry), changes heard from other nodes.
 */
class RedisStorageIT extends StorageContract {
    /** Short leases, so that the dead-holder test waits seconds, not the production 30 s. */
    private static final Duration LOCK_EXPIRY = Duration.ofSeconds(3);
    private static final byte[] KEY = new byte[32];
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private static RedisServer redis;
    private final List<AutoCloseable> opened = Collections.synchronizedList(new ArrayList<>());
    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
        for (int i = 0; i < KEY.length; i++) {
            KEY[i] = (byte) (i * 7 + 1);
        }
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    /** Which prefix (a backend of its own) a storage made here uses. */
    private final java.util.Map<Storage, String> prefixes = new java.util.concurrent.ConcurrentHashMap<>();

    private RedisStorage storage(String prefix, Optional<byte[]> key, boolean withEvents) throws Exception {
        Cluster config = new Cluster(List.of(redis.uri()), false, Optional.empty(), key, Optional.of("test"),
                Duration.ofSeconds(2), prefix);
        RedisLink link = new RedisLink(config, new SimpleMeterRegistry());
        opened.add(link);
        ClusterKeys keys = new ClusterKeys(prefix);
        Optional<ClusterEvents> events = Optional.empty();
        if (withEvents) {
            ClusterEvents e = new ClusterEvents(link, keys, "node-" + PREFIXES.incrementAndGet());
            e.start();
            events = Optional.of(e);
        }
        link.start();
        assertThat(link.awaitUp(Duration.ofSeconds(10))).as("connected to " + redis.uri()).isTrue();
        RedisStorage s = new RedisStorage(link, keys, key, events, () -> "test", LOCK_EXPIRY);
        opened.add(s);
        prefixes.put(s, prefix);
        return s;
    }

    @Override
    protected Storage newStorage() throws Exception {
        return storage("t" + PREFIXES.incrementAndGet(), Optional.of(KEY), false);
    }

    @Override
    protected Storage sameBackend(Storage storage) throws Exception {
        return storage(prefixes.get(storage), Optional.of(KEY), false);
    }

    @Override
    protected ForeignHolder holdInAnotherProcess(Storage storage, String name) throws Exception {
        Holder holder = startHolder(prefixes.get(storage), name);
        return new ForeignHolder() {
            @Override
            public void die() throws Exception {
                holder.process.destroyForcibly(); // SIGKILL: no release; the lease runs out
                assertThat(holder.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }

            @Override
            public void close() {
                holder.process.destroyForcibly();
            }
        };
    }

    private record Holder(Process process, BufferedReader out, Writer in) {
        String write(String key, String value) throws Exception {
            in.write(key + " " + value + "\n");
            in.flush();
            return out.readLine();
        }
    }

    private Holder startHolder(String prefix, String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                RedisLockHolder.class.getName(), redis.uri(), prefix, name, Long.toString(LOCK_EXPIRY.toMillis()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(process);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("locked");
        return new Holder(process, out, new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    }

    private static void signal(Process p, String signal) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor()).isZero();
    }

    private String value(Storage s, String key) throws StorageException {
        return s.get(key).map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
    }

    @Test
    void privateKeysAreEncryptedInRedisAndPublicValuesAreNot() throws Exception {
        RedisStorage s = (RedisStorage) storage;
        String prefix = prefixes.get(s);
        s.put("certificates/a.example.com/key.pem", "PRIVATE KEY BYTES".getBytes(), Storage.Visibility.SECRET);
        s.put("certificates/a.example.com/cert.pem", "CERTIFICATE BYTES".getBytes(), Storage.Visibility.PUBLIC);

        String rawKey = redis.commands().get("{" + prefix + "}:s:certificates/a.example.com/key.pem");
        String rawCert = redis.commands().get("{" + prefix + "}:s:certificates/a.example.com/cert.pem");
        assertThat(rawKey).isNotNull().doesNotContain("PRIVATE KEY BYTES");
        assertThat(rawCert).contains("CERTIFICATE BYTES");
        assertThat(value(s, "certificates/a.example.com/key.pem")).isEqualTo("PRIVATE KEY BYTES");

        RedisStorage withoutKey = storage(prefix, Optional.empty(), false);
        assertThatThrownBy(() -> withoutKey.get("certificates/a.example.com/key.pem"))
                .isInstanceOf(StorageException.class).hasMessageContaining("encrypted")
                .hasMessageContaining("encryption key");
        byte[] other = KEY.clone();
        other[0] ^= 1;
        RedisStorage wrongKey = storage(prefix, Optional.of(other), false);
        assertThatThrownBy(() -> wrongKey.get("certificates/a.example.com/key.pem"))
                .isInstanceOf(StorageException.class).hasMessageContaining("does not decrypt");
    }

    @Test
    void aWriteUnderALockThatWasLostIsRefusedByRedis() throws Exception {
        RedisStorage a = (RedisStorage) storage;
        RedisStorage b = storage(prefixes.get(a), Optional.of(KEY), false);
        Storage.Lock first = a.lock("x.example.com", Duration.ofSeconds(5));
        a.putAll(List.of(new Storage.Entry("v", "first".getBytes(), Storage.Visibility.PUBLIC)), first);

        // The lease ends in Redis while the holder still believes it holds it (a pause longer than the expiry).
        redis.commands().del("{" + prefixes.get(a) + "}:lock:x.example.com");
        try (Storage.Lock second = b.lock("x.example.com", Duration.ofSeconds(5))) {
            b.putAll(List.of(new Storage.Entry("v", "second".getBytes(), Storage.Visibility.PUBLIC)), second);

            assertThat(first.isHeld()).as("the stalled holder's own view").isTrue();
            assertThatThrownBy(() -> a.putAll(List.of(new Storage.Entry("v", "late".getBytes(),
                    Storage.Visibility.PUBLIC)), first)).isInstanceOf(StorageLockedException.class)
                    .hasMessageContaining("x.example.com").hasMessageContaining("nothing written");
        }
        assertThat(value(a, "v")).isEqualTo("second");
        first.close();
    }

    @Test
    void aProcessFrozenPastItsLockExpiryCannotWriteWhenItWakes() throws Exception {
        String prefix = prefixes.get(storage);
        Holder holder = startHolder(prefix, "frozen.example.com");
        assertThat(holder.write("certificates/frozen.example.com/cert.pem", "from-the-first-holder"))
                .isEqualTo("written");

        signal(holder.process, "STOP");
        try (Storage.Lock mine = storage.lock("frozen.example.com", LOCK_EXPIRY.multipliedBy(3))) {
            storage.putAll(List.of(new Storage.Entry("certificates/frozen.example.com/cert.pem", "newer".getBytes(),
                    Storage.Visibility.PUBLIC)), mine);
        } finally {
            signal(holder.process, "CONT");
        }

        assertThat(holder.write("certificates/frozen.example.com/cert.pem", "late")).startsWith("refused:")
                .contains("frozen.example.com");
        assertThat(value(storage, "certificates/frozen.example.com/cert.pem")).isEqualTo("newer");
    }

    @Test
    void anotherNodeHearsOfWritesAndDeletes() throws Exception {
        String prefix = "ev" + PREFIXES.incrementAndGet();
        RedisStorage writer = storage(prefix, Optional.of(KEY), true);
        RedisStorage reader = storage(prefix, Optional.of(KEY), true);
        List<String> heard = new CopyOnWriteArrayList<>();
        reader.onChange(heard::add);
        Thread.sleep(300); // the subscription is made in the background

        writer.put("certificates/b.example.com/cert.pem", "c".getBytes(), Storage.Visibility.PUBLIC);
        writer.delete("certificates/b.example.com");

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (heard.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(heard).contains("certificates/b.example.com/cert.pem", "certificates/b.example.com");
    }
}
