package dev.gatehouse.server;

import dev.gatehouse.config.ConfigDiff;
import dev.gatehouse.config.ConfigError;
import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.ReloadResult;
import dev.gatehouse.config.Upstream;
import dev.gatehouse.proxy.ConnectionPool;
import dev.gatehouse.upstream.Upstreams;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reloads the config file into the running server, one reload at a time on a thread of its own (never an event
 * loop). The new file is loaded and validated first; when it is invalid, or changes what cannot change live, the
 * running config keeps serving untouched and the reasons are returned. Otherwise only what changed is applied:
 *
 * <ol>
 *   <li>moved listeners are bound (a port that will not bind fails the reload before anything changed);</li>
 *   <li>pools new in the file are created and the new routing is compiled against the live pools;</li>
 *   <li>certificates for new sites are put in place (local CA and files at once, ACME scheduled);</li>
 *   <li>kept pools take their new settings and targets (added, re-weighted; removed ones drain);</li>
 *   <li>the routing is swapped: new requests see it, requests in flight finish on what they started with;</li>
 *   <li>the moved listeners' old sockets close, pools gone from the file drain and stop.</li>
 * </ol>
 */
final class Reloader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Reloader.class);

    private final ServerState state;
    private final Listeners listeners;
    private final Upstreams upstreams;
    private final ConnectionPool connections;
    private final Optional<TlsRuntime> tls;
    private final Function<GatehouseConfig, Routing> compiler;
    private final Function<Listeners.Kind, ChannelInitializer<SocketChannel>> initializers;
    private final Runnable beforeRead;
    private final ReloadStats stats = new ReloadStats();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gatehouse-reload");
        t.setDaemon(true);
        return t;
    });
    private volatile GatehouseConfig current;

    Reloader(GatehouseConfig config, ServerState state, Listeners listeners, Upstreams upstreams,
             ConnectionPool connections, Optional<TlsRuntime> tls, Function<GatehouseConfig, Routing> compiler,
             Function<Listeners.Kind, ChannelInitializer<SocketChannel>> initializers, Runnable beforeRead) {
        this.current = Objects.requireNonNull(config, "config");
        this.state = state;
        this.listeners = listeners;
        this.upstreams = upstreams;
        this.connections = connections;
        this.tls = tls;
        this.compiler = compiler;
        this.initializers = initializers;
        this.beforeRead = beforeRead;
    }

    /** The config serving now. */
    GatehouseConfig current() {
        return current;
    }

    ReloadStats stats() {
        return stats;
    }

    /**
     * Queues a reload of the config file behind any reload running; the future completes when it is done.
     *
     * @param trigger what asked for it, for the log line ({@code SIGHUP}, {@code file change}, {@code api})
     */
    CompletableFuture<ReloadResult> reload(String trigger) {
        try {
            return CompletableFuture.supplyAsync(() -> reloadNow(trigger), thread);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(ReloadResult.refused(List.of("the server is stopped")));
        }
    }

    private ReloadResult reloadNow(String trigger) {
        ReloadResult result;
        try {
            result = apply(trigger);
        } catch (RuntimeException e) {
            log.error("config reload ({}) failed unexpectedly", trigger, e);
            result = ReloadResult.refused(List.of("reload failed: " + e));
        }
        stats.record(result);
        return result;
    }

    private ReloadResult apply(String trigger) {
        GatehouseConfig before = current;
        if (state.isDraining()) {
            return refuse(trigger, List.of("the server is stopping"));
        }
        GatehouseConfig after;
        try {
            beforeRead.run();
            after = ConfigLoader.load(before.source());
        } catch (ConfigException e) {
            return refuse(trigger, e.errors().stream().map(ConfigError::format).toList());
        }
        ConfigDiff diff = ConfigDiff.between(before, after);
        if (!diff.refused().isEmpty()) {
            return refuse(trigger, diff.refused());
        }
        if (diff.isEmpty()) {
            current = after;
            log.info("config reloaded ({}) from {}: no changes", trigger, after.source());
            return ReloadResult.applied(List.of());
        }

        Map<Listeners.Kind, List<Channel>> moved = new EnumMap<>(Listeners.Kind.class);
        try {
            bindMoved(diff, moved);
        } catch (BindFailure e) {
            moved.forEach(listeners::discard);
            return refuse(trigger, List.of(e.getMessage()));
        }
        List<String> addedPools = new ArrayList<>();
        Routing routing;
        try {
            for (Upstream u : diff.addedPools()) {
                upstreams.add(u);
                addedPools.add(u.name());
            }
            routing = compiler.apply(after);
        } catch (RuntimeException e) {
            moved.forEach(listeners::discard);
            addedPools.forEach(upstreams::retire);
            log.error("config reload ({}): cannot build the new routing", trigger, e);
            return refuse(trigger, List.of("cannot build the new routing: " + e.getMessage()));
        }

        commit(diff, routing, moved);
        log.info("config reloaded ({}) from {}: {}", trigger, after.source(), String.join("; ", diff.changes()));
        return ReloadResult.applied(diff.changes());
    }

    /**
     * Applies a diff whose routing is built and whose listeners are bound. Nothing here fails the reload any more:
     * a step in trouble logs it and the others go on, so the server never serves half of one config.
     */
    private void commit(ConfigDiff diff, Routing routing, Map<Listeners.Kind, List<Channel>> moved) {
        GatehouseConfig after = diff.after();
        step("certificates", () -> tls.ifPresent(t -> t.update(after)));
        for (ConfigDiff.PoolChange change : diff.changedPools()) {
            step("upstream \"" + change.name() + "\"", () -> upstreams.update(change));
        }
        if (diff.upstreamTimeoutsChanged()) {
            connections.timeouts(after.timeouts().connect(), after.timeouts().idle());
        }
        if (diff.accessLogFileChanged()) {
            step("access log", () -> after.accessLog().file()
                    .ifPresentOrElse(AccessLogFile::install, AccessLogFile::installStdout));
        }
        state.routing(routing);
        current = after;
        putMoved(diff, moved);
        diff.removedPools().forEach(upstreams::retire);
    }

    private static void step(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.error("config reload: applying {} failed, the rest of the new config applies", what, e);
        }
    }

    private static final class BindFailure extends Exception {
        BindFailure(String message) {
            super(message);
        }
    }

    /** Binds the listeners whose port or address changed, beside the old ones, which keep accepting for now. */
    private void bindMoved(ConfigDiff diff, Map<Listeners.Kind, List<Channel>> moved) throws BindFailure {
        GatehouseConfig after = diff.after();
        if (diff.httpListenerChanged() && after.listen().http().isPresent()
                && !boundAlready(Listeners.Kind.HTTP, diff, after.listen().http())) {
            moved.put(Listeners.Kind.HTTP, bind(Listeners.Kind.HTTP, after.listen().addresses(), after.listen().http()));
        }
        if (diff.httpsListenerChanged() && !boundAlready(Listeners.Kind.HTTPS, diff, after.listen().https())) {
            moved.put(Listeners.Kind.HTTPS,
                    bind(Listeners.Kind.HTTPS, after.listen().addresses(), after.listen().https()));
        }
    }

    /** The file now names the port the listener got for port 0: nothing to move. */
    private boolean boundAlready(Listeners.Kind kind, ConfigDiff diff, OptionalInt port) {
        return diff.before().listen().addresses().equals(diff.after().listen().addresses())
                && port.getAsInt() != 0 && listeners.port(kind) == port.getAsInt();
    }

    private List<Channel> bind(Listeners.Kind kind, List<String> addresses, OptionalInt port) throws BindFailure {
        String where = addresses.stream().map(a -> (a.contains(":") ? "[" + a + "]" : a) + ":" + port.getAsInt())
                .collect(Collectors.joining(", "));
        try {
            return listeners.bind(kind, addresses, port.getAsInt(), initializers.apply(kind));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BindFailure("listen." + kind.label + ": interrupted while binding " + where);
        } catch (ListenerBindException e) {
            throw new BindFailure(e.getMessage() + " (the running listener keeps serving)");
        }
    }

    /** The new listeners take over; the old ones close only now, so there was no moment without one. */
    private void putMoved(ConfigDiff diff, Map<Listeners.Kind, List<Channel>> moved) {
        moved.forEach(listeners::put);
        if (moved.containsKey(Listeners.Kind.HTTPS)) {
            state.httpsPort(listeners.port(Listeners.Kind.HTTPS));
        }
        if (diff.httpListenerChanged() && diff.after().listen().http().isEmpty()) {
            listeners.close(Listeners.Kind.HTTP);
        }
        moved.forEach((kind, ch) -> log.info("listening for {} on {} (moved by reload)", kind.label,
                Listeners.describe(ch)));
    }

    private static ReloadResult refuse(String trigger, List<String> errors) {
        log.error("config reload ({}) refused, the running config keeps serving unchanged:\n  {}", trigger,
                String.join("\n  ", errors));
        return ReloadResult.refused(errors);
    }

    /** Stops taking reloads; waits a little for one running to finish. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.shutdownNow();
        }
    }
}
