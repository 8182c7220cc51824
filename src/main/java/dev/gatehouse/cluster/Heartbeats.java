package dev.gatehouse.cluster;

import io.lettuce.core.ScriptOutputType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Every {@link #EVERY} this node writes its heartbeat (a hash that expires after {@link #EXPIRY} unless renewed) and
 * reads everyone's: the nodes alive are those whose heartbeat has not expired. The last list read is kept, so the
 * admin API and the rate limits' 1/N share answer from memory, also while Redis is away.
 */
final class Heartbeats implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);
    static final Duration EVERY = Duration.ofSeconds(2);
    static final Duration EXPIRY = Duration.ofSeconds(10);
    private static final LuaScript HEARTBEAT = LuaScript.load("heartbeat.lua");

    private final RedisLink link;
    private final ClusterKeys keys;
    private final NodeIdentity self;
    private final String version;
    private final Instant started;
    private final Supplier<Map<String, String>> details;
    private volatile List<NodeInfo> nodes = List.of();
    private ScheduledFuture<?> task;

    /** @param details what this node holds now, asked for at every heartbeat */
    Heartbeats(RedisLink link, ClusterKeys keys, NodeIdentity self, String version, Instant started,
               Supplier<Map<String, String>> details) {
        this.link = link;
        this.keys = keys;
        this.self = self;
        this.version = version;
        this.started = started;
        this.details = details;
    }

    void start() {
        task = link.executor().scheduleWithFixedDelay(this::beat, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
        link.onUp(this::beat); // seen by the others at once after an outage
    }

    /** Sends this node's heartbeat and reads the others'; skipped while Redis is away. */
    synchronized void beat() {
        if (!link.isUp()) {
            return;
        }
        try {
            List<byte[]> args = new ArrayList<>(List.of(bytes(self.id()), bytes(Long.toString(EXPIRY.toMillis()))));
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("name", self.name());
            fields.put("version", version);
            fields.put("started", Long.toString(started.toEpochMilli()));
            fields.put("heartbeat", Long.toString(System.currentTimeMillis()));
            details.get().forEach((k, v) -> fields.put("d." + k, v));
            fields.forEach((k, v) -> {
                args.add(bytes(k));
                args.add(bytes(v));
            });
            HEARTBEAT.run(link, ScriptOutputType.INTEGER, link.timeout(),
                    new String[] {keys.node(self.id()), keys.nodes()}, args.toArray(byte[][]::new)).get();
            nodes = read();
        } catch (ClusterUnavailableException e) {
            log.debug("cluster heartbeat skipped: {}", e.getMessage());
        } catch (java.util.concurrent.ExecutionException e) {
            log.debug("cluster heartbeat skipped: {}", e.getCause().getMessage());
        } catch (Throwable e) { // a periodic task that throws is never run again
            log.error("cluster heartbeat failed", e);
        }
    }

    private List<NodeInfo> read() {
        Set<byte[]> ids = link.sync(c -> c.smembers(keys.nodes()));
        List<NodeInfo> out = new ArrayList<>();
        for (byte[] idBytes : ids) {
            String id = new String(idBytes, StandardCharsets.UTF_8);
            Map<String, byte[]> h = link.sync(c -> c.hgetall(keys.node(id)));
            if (h.isEmpty()) {
                link.sync(c -> c.srem(keys.nodes(), idBytes)); // expired: the node stopped
                continue;
            }
            Map<String, String> d = new LinkedHashMap<>();
            h.forEach((k, v) -> {
                if (k.startsWith("d.")) {
                    d.put(k.substring(2), text(v));
                }
            });
            out.add(new NodeInfo(id, text(h.get("name")), text(h.get("version")), millis(h.get("started")),
                    millis(h.get("heartbeat")), d));
        }
        out.sort(Comparator.comparing(NodeInfo::name).thenComparing(NodeInfo::id));
        return List.copyOf(out);
    }

    /** The nodes alive at the last heartbeat that reached Redis. */
    List<NodeInfo> nodes() {
        return nodes;
    }

    /** How many nodes share the work: those seen at the last heartbeat, at least this one. */
    int alive() {
        return Math.max(1, nodes.size());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return b == null ? "" : new String(b, StandardCharsets.UTF_8);
    }

    private static Instant millis(byte[] b) {
        try {
            return Instant.ofEpochMilli(Long.parseLong(text(b)));
        } catch (NumberFormatException e) {
            return Instant.EPOCH;
        }
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
