package dev.gatehouse.upstream;

import dev.gatehouse.config.Upstream;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Every pool of one config, and what runs beside them: active health checks and the pools' housekeeping, on one
 * small event loop group of their own. {@link #start()} starts them, {@link #close()} stops them.
 */
public final class Upstreams implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Upstreams.class);

    private final Map<String, UpstreamPool> pools = new LinkedHashMap<>();
    private final Class<? extends SocketChannel> channelType;
    private final Supplier<EventLoopGroup> groupFactory;
    private final List<HealthChecker> checkers = new ArrayList<>();
    private EventLoopGroup group;
    private ScheduledFuture<?> housekeeping;

    /**
     * @param groupFactory makes the one-thread group health checks run on (called by {@link #start()})
     */
    public Upstreams(Collection<Upstream> configs, Class<? extends SocketChannel> channelType,
                     Supplier<EventLoopGroup> groupFactory) {
        for (Upstream u : configs) {
            pools.put(u.name(), new UpstreamPool(u));
        }
        this.channelType = channelType;
        this.groupFactory = groupFactory;
    }

    public Optional<UpstreamPool> pool(String name) {
        return Optional.ofNullable(pools.get(name));
    }

    public Map<String, UpstreamPool> pools() {
        return Collections.unmodifiableMap(pools);
    }

    public void start() {
        if (pools.isEmpty()) {
            return;
        }
        group = groupFactory.get();
        for (UpstreamPool pool : pools.values()) {
            pool.config().health().ifPresent(h -> checkers.add(new HealthChecker(pool, h, group, channelType)));
        }
        checkers.forEach(HealthChecker::start);
        housekeeping = group.next().scheduleAtFixedRate(() -> {
            try {
                pools.values().forEach(UpstreamPool::tick);
            } catch (Throwable e) { // a periodic task that throws is never run again
                log.error("upstream housekeeping failed", e);
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        checkers.forEach(HealthChecker::close);
        checkers.clear();
        if (housekeeping != null) {
            housekeeping.cancel(false);
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
    }
}
