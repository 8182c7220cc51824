package dev.gatehouse.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Announcements between nodes over one pub/sub channel: {@code kind TAB sender TAB payload}. Pub/sub is fire and
 * forget (a node that is disconnected misses messages), so every user also reads periodically; a message only makes
 * the others look sooner.
 */
final class ClusterEvents {
    private static final Logger log = LoggerFactory.getLogger(ClusterEvents.class);

    private final RedisLink link;
    private final String channel;
    private volatile String self;
    private final Map<String, List<Consumer<String>>> handlers = new ConcurrentHashMap<>();

    ClusterEvents(RedisLink link, ClusterKeys keys, String self) {
        this.link = link;
        this.channel = keys.events();
        this.self = self;
    }

    /** This node's id, once known: the sender of what it publishes. */
    void self(String id) {
        this.self = id;
    }

    void start() {
        link.subscribe(channel, this::dispatch);
    }

    /** Calls {@code handler} with the payload of every {@code kind} message, from any node (this one included). */
    void on(String kind, Consumer<String> handler) {
        handlers.computeIfAbsent(kind, k -> new CopyOnWriteArrayList<>()).add(handler);
    }

    /** Tells every node; a failure is only logged (the periodic reads catch up). */
    void publish(String kind, String payload) {
        send(kind, payload).exceptionally(e -> {
            log.debug("cluster: announcing {} {} failed: {}", kind, payload, e.getMessage());
            return 0L;
        });
    }

    /** Tells every node; the future completes once Redis passed it on (with how many nodes heard it). */
    java.util.concurrent.CompletableFuture<Long> send(String kind, String payload) {
        return link.publish(channel, kind + "\t" + self + "\t" + payload);
    }

    private void dispatch(String message) {
        String[] parts = message.split("\t", 3);
        if (parts.length != 3) {
            log.debug("cluster: ignored a malformed message: {}", message);
            return;
        }
        for (Consumer<String> h : handlers.getOrDefault(parts[0], List.of())) {
            h.accept(parts[2]);
        }
    }
}
