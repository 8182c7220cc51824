package dev.gatehouse.cluster;

import dev.gatehouse.config.Cluster;
import dev.gatehouse.storage.Storage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Another process holding a {@link RedisStorage} lock, for the tests: {@code REDIS_URI PREFIX NAME EXPIRY_MS} takes
 * lock NAME, prints {@code locked}, then for every line {@code KEY VALUE} on its input writes VALUE under KEY fenced
 * by the lock and prints {@code written} or {@code refused: why}. It never releases the lock: it is killed.
 */
public final class RedisLockHolder {
    private RedisLockHolder() {
    }

    public static void main(String[] args) throws Exception {
        Cluster config = new Cluster(List.of(args[0]), false, Optional.empty(), Optional.empty(),
                Optional.of("holder"), Duration.ofSeconds(2), args[1]);
        RedisLink link = new RedisLink(config, new SimpleMeterRegistry());
        link.start();
        if (!link.awaitUp(Duration.ofSeconds(10))) {
            System.out.println("redis unreachable");
            System.exit(1);
        }
        RedisStorage storage = new RedisStorage(link, new ClusterKeys(args[1]), Optional.empty(), Optional.empty(),
                () -> "holder", Duration.ofMillis(Long.parseLong(args[3])));
        Storage.Lock lock = storage.lock(args[2], Duration.ofSeconds(10));
        System.out.println("locked");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] kv = line.split(" ", 2);
            try {
                storage.putAll(List.of(new Storage.Entry(kv[0], kv[1].getBytes(StandardCharsets.UTF_8),
                        Storage.Visibility.PUBLIC)), lock);
                System.out.println("written");
            } catch (Exception e) {
                System.out.println("refused: " + e.getMessage());
            }
            System.out.flush();
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
