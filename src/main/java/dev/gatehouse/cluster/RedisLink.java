package dev.gatehouse.cluster;

import dev.gatehouse.config.Cluster;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.resolver.DefaultAddressResolverGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The connection to Redis (Lettuce), and whether it works. It never blocks its caller on Redis: it connects in the
 * background (a node starts and serves while Redis is down), every call has a timeout, and a call while Redis is
 * unreachable fails at once instead of queueing. The state ({@link State}) follows what calls see: any connection
 * failure or timeout makes it {@code DOWN}, a ping every second brings it back {@code UP}; each change is one log
 * line and the {@code gatehouse_cluster_redis_up} gauge. Lettuce completes futures on its own I/O threads, so
 * callers do light work there only and hand anything heavier to {@link #executor()}.
 */
public final class RedisLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisLink.class);
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    private static final Duration PING_EVERY = Duration.ofSeconds(1);
    private static final Duration RECONNECT_EVERY = Duration.ofSeconds(1);

    /** What the link can do now. */
    public enum State {
        /** Not connected yet since start. */
        CONNECTING,
        /** Calls work. */
        UP,
        /** The last call failed or timed out; every user falls back to what it has locally. */
        DOWN
    }

    private final Cluster config;
    private final String display;
    private final ScheduledExecutorService executor;
    private final Map<String, List<Consumer<String>>> subscribers = new ConcurrentHashMap<>();
    private final List<Runnable> upListeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger stateGauge = new AtomicInteger();
    private volatile State state = State.CONNECTING;
    private volatile long downSinceNanos;
    private volatile String lastError = "";
    private ClientResources resources;
    private AbstractRedisClient client;
    private volatile StatefulConnection<String, byte[]> connection;
    private volatile RedisClusterAsyncCommands<String, byte[]> commands;
    private volatile StatefulRedisPubSubConnection<String, byte[]> pubsub;
    private volatile boolean closed;

    public RedisLink(Cluster config, MeterRegistry registry) {
        this.config = Objects.requireNonNull(config, "config");
        this.display = String.join(",", config.redisForDisplay());
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "cluster");
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
        this.executor = pool;
        Gauge.builder("gatehouse_cluster_redis_up", stateGauge, AtomicInteger::get)
                .description("1 while Redis answers, 0 while it is unreachable or too slow (cluster mode)")
                .register(registry);
    }

    /** Starts connecting in the background; returns at once. */
    public synchronized void start() {
        if (client != null) {
            return;
        }
        // Two I/O threads are plenty for one connection plus pub/sub; the JVM's resolver, as everywhere else.
        resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .addressResolverGroup(DefaultAddressResolverGroup.INSTANCE).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(config.timeout());
        SocketOptions socket = SocketOptions.builder().connectTimeout(config.timeout()).keepAlive(true).build();
        if (config.redisCluster()) {
            RedisClusterClient c = RedisClusterClient.create(resources, config.redis().stream().map(this::uri)
                    .toList());
            c.setOptions(ClusterClientOptions.builder().autoReconnect(true).timeoutOptions(timeouts)
                    .socketOptions(socket)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
            client = c;
        } else {
            RedisClient c = RedisClient.create(resources);
            c.setOptions(ClientOptions.builder().autoReconnect(true).timeoutOptions(timeouts).socketOptions(socket)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
            client = c;
        }
        executor.execute(this::connect);
        executor.scheduleWithFixedDelay(this::ping, PING_EVERY.toMillis(), PING_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private RedisURI uri(String text) {
        RedisURI uri = RedisURI.create(text);
        config.password().ifPresent(p -> {
            String user = uri.getCredentialsProvider() == null ? null
                    : uri.getCredentialsProvider().resolveCredentials().blockOptional().map(c -> c.getUsername())
                    .orElse(null);
            uri.setAuthentication(user, p);
        });
        uri.setTimeout(config.timeout());
        uri.setClientName("gatehouse");
        return uri;
    }

    /** One attempt to open the command and pub/sub connections; retried every second until both are open. */
    private void connect() {
        if (closed) {
            return;
        }
        try {
            if (connection == null) {
                StatefulConnection<String, byte[]> c = openCommands();
                connection = c;
                commands = c instanceof StatefulRedisClusterConnection<String, byte[]> cc ? cc.async()
                        : ((StatefulRedisConnection<String, byte[]>) c).async();
            }
            if (pubsub == null) {
                pubsub = openPubSub();
                pubsub.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, byte[] message) {
                        deliver(channel, new String(message, StandardCharsets.UTF_8));
                    }
                });
                String[] channels = subscribers.keySet().toArray(String[]::new);
                if (channels.length > 0) {
                    pubsub.async().subscribe(channels).get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
                }
            }
            markUp();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            markDown(e);
            if (!closed) {
                executor.schedule(this::connect, RECONNECT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private StatefulConnection<String, byte[]> openCommands() throws Exception {
        if (client instanceof RedisClusterClient c) {
            return c.connectAsync(CODEC).get(config.timeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        }
        return ((RedisClient) client).connectAsync(CODEC, uri(config.redis().get(0)))
                .get(config.timeout().toMillis() * 2, TimeUnit.MILLISECONDS);
    }

    private StatefulRedisPubSubConnection<String, byte[]> openPubSub() throws Exception {
        if (client instanceof RedisClusterClient c) {
            return c.connectPubSubAsync(CODEC).get(config.timeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        }
        return ((RedisClient) client).connectPubSubAsync(CODEC, uri(config.redis().get(0)))
                .get(config.timeout().toMillis() * 2, TimeUnit.MILLISECONDS);
    }

    private void ping() {
        RedisClusterAsyncCommands<String, byte[]> c = commands;
        if (c == null || closed) {
            return;
        }
        call(cmd -> cmd.ping(), config.timeout());
    }

    private void deliver(String channel, String message) {
        List<Consumer<String>> list = subscribers.get(channel);
        if (list == null) {
            return;
        }
        executor.execute(() -> {
            for (Consumer<String> s : list) {
                try {
                    s.accept(message);
                } catch (Throwable e) {
                    log.error("cluster message on {} failed: {}", channel, message, e);
                }
            }
        });
    }

    // ---- state

    private void markUp() {
        if (state == State.UP) {
            return; // every successful call comes here: no lock on the common path
        }
        State before;
        synchronized (this) {
            before = state;
            if (before == State.UP || closed) {
                return;
            }
            state = State.UP;
            stateGauge.set(1);
        }
        if (before == State.CONNECTING) {
            log.info("cluster redis={} connected", display);
        } else {
            log.info("cluster redis={} reachable again after {} s down: shared state resumes, what changed meanwhile"
                    + " is reconciled", display, String.format("%.1f", (System.nanoTime() - downSinceNanos) / 1e9));
        }
        for (Runnable r : upListeners) {
            executor.execute(() -> {
                try {
                    r.run();
                } catch (Throwable e) {
                    log.error("cluster: catching up after Redis came back failed", e);
                }
            });
        }
    }

    private void markDown(Throwable cause) {
        String why = describe(cause);
        lastError = why;
        synchronized (this) {
            if (state == State.DOWN || closed) {
                return;
            }
            state = State.DOWN;
            stateGauge.set(0);
            downSinceNanos = System.nanoTime();
        }
        log.warn("cluster redis={} unreachable: {}; serving from local copies, rate limits counted locally, "
                + "renewals and registrations wait until it is back", display, why);
    }

    /** Whether calls work now. */
    public boolean isUp() {
        return state == State.UP;
    }

    public State state() {
        return state;
    }

    /**
     * Waits until Redis answers, at most {@code limit}: at start, so that a node reads the shared state before it
     * falls back to its local copy. Returns whether it is up.
     */
    public boolean awaitUp(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (state != State.UP && !closed && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
        }
        return state == State.UP;
    }

    /** The last failure's cause, for the admin API; empty when none happened. */
    public String lastError() {
        return lastError;
    }

    /** Runs {@code listener} on every change to {@link State#UP}, on {@link #executor()}. */
    public void onUp(Runnable listener) {
        upListeners.add(listener);
    }

    /** Redis as the config names it, without passwords. */
    public String describe() {
        return display;
    }

    /** For the cluster's own periodic and blocking work (two daemon threads). */
    public ScheduledExecutorService executor() {
        return executor;
    }

    // ---- calls

    /**
     * One call with at most {@code timeout}; the future fails with {@link ClusterUnavailableException} when Redis is
     * unreachable or slow (the link then goes {@code DOWN}), with the server's error when it refused the command.
     * Completes on a Lettuce I/O thread.
     */
    public <T> CompletableFuture<T> call(Function<RedisClusterAsyncCommands<String, byte[]>, RedisFuture<T>> command,
                                         Duration timeout) {
        RedisClusterAsyncCommands<String, byte[]> c = commands;
        if (c == null || closed) {
            return CompletableFuture.failedFuture(new ClusterUnavailableException("not connected to " + display
                    + (lastError.isEmpty() ? "" : " (" + lastError + ")")));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletableFuture<T> sent;
        try {
            sent = command.apply(c).toCompletableFuture();
        } catch (RuntimeException e) {
            markDown(e);
            return CompletableFuture.failedFuture(new ClusterUnavailableException(describe(e), e));
        }
        sent.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((value, error) -> {
            if (error == null) {
                markUp();
                result.complete(value);
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            if (cause instanceof RedisCommandExecutionException) {
                markUp(); // Redis answered: the command was wrong, the link is fine
                result.completeExceptionally(cause);
            } else if (cause instanceof TimeoutException && timeout.compareTo(config.timeout()) < 0) {
                // A call on a request's path gave up early: that request falls back, the link's state is the pings'.
                result.completeExceptionally(new ClusterUnavailableException("no answer within " + timeout.toMillis()
                        + " ms", cause));
            } else {
                markDown(cause);
                result.completeExceptionally(new ClusterUnavailableException(describe(cause), cause));
            }
        });
        return result;
    }

    /** {@link #call} with the configured timeout, waiting for the answer: for blocking executors only. */
    public <T> T sync(Function<RedisClusterAsyncCommands<String, byte[]>, RedisFuture<T>> command)
            throws ClusterUnavailableException {
        try {
            return call(command, config.timeout()).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnavailableException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ClusterUnavailableException u) {
                throw u;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new ClusterUnavailableException(describe(e.getCause()), e.getCause());
        }
    }

    /** The configured timeout of each call. */
    public Duration timeout() {
        return config.timeout();
    }

    /** Sends {@code message} to every node subscribed to {@code channel} (this one included); best effort. */
    public CompletableFuture<Long> publish(String channel, String message) {
        return call(c -> c.publish(channel, message.getBytes(StandardCharsets.UTF_8)), config.timeout());
    }

    /**
     * Calls {@code listener} on {@link #executor()} for every message on {@code channel}, from now on and again after
     * reconnections (Lettuce subscribes again by itself).
     */
    public void subscribe(String channel, Consumer<String> listener) {
        boolean first = !subscribers.containsKey(channel);
        subscribers.computeIfAbsent(channel, k -> new CopyOnWriteArrayList<>()).add(listener);
        StatefulRedisPubSubConnection<String, byte[]> p = pubsub;
        if (first && p != null) {
            p.async().subscribe(channel);
        }
    }

    static String describe(Throwable e) {
        if (e instanceof TimeoutException || e instanceof io.lettuce.core.RedisCommandTimeoutException) {
            return "no answer within the timeout";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null || m.isBlank() ? root.getClass().getSimpleName() : m;
    }

    @Override
    public synchronized void close() {
        closed = true;
        executor.shutdownNow();
        StatefulRedisPubSubConnection<String, byte[]> p = pubsub;
        StatefulConnection<String, byte[]> c = connection;
        try {
            if (p != null) {
                p.close();
            }
            if (c != null) {
                c.close();
            }
        } catch (RuntimeException e) {
            log.debug("closing the Redis connections failed", e);
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (resources != null) {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
