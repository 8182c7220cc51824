package dev.gatehouse.stages;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gatehouse.auth.PasswordChecks;
import dev.gatehouse.limits.ConcurrencyLimiter;
import dev.gatehouse.limits.CounterStore;
import io.netty.channel.socket.SocketChannel;

import java.util.Objects;

/**
 * What the access-control stages keep across config reloads, owned by the server: rate-limit buckets (so a reload
 * does not hand every client a fresh burst), in-flight counters, the password-checking thread, and the socket type
 * for forward-auth connections.
 */
public final class AccessServices implements AutoCloseable {
    /** Keys tracked per rate limit at most: about 12 MiB at ~120 bytes each. */
    public static final long MAX_KEYS_PER_LIMIT = 100_000;

    private final CounterStore counters;
    private final PasswordChecks passwordChecks;
    private final Class<? extends SocketChannel> channelType;
    /** Weak values: a limit no stage uses any more (a reload removed it) goes away with the last request using it. */
    private final Cache<String, ConcurrencyLimiter> limiters = Caffeine.newBuilder().weakValues().build();

    public AccessServices(CounterStore counters, Class<? extends SocketChannel> channelType) {
        this.counters = Objects.requireNonNull(counters, "counters");
        this.channelType = Objects.requireNonNull(channelType, "channelType");
        this.passwordChecks = new PasswordChecks();
    }

    /** In this process's memory, on the monotonic clock. */
    public static AccessServices inMemory(Class<? extends SocketChannel> channelType) {
        return new AccessServices(CounterStore.memory(System::nanoTime, MAX_KEYS_PER_LIMIT), channelType);
    }

    public CounterStore counters() {
        return counters;
    }

    public PasswordChecks passwordChecks() {
        return passwordChecks;
    }

    public Class<? extends SocketChannel> channelType() {
        return channelType;
    }

    /** The in-flight counters named {@code id}, kept while their limit stays the same. */
    ConcurrencyLimiter limiter(String id, int max) {
        return limiters.asMap().compute(id, (k, old) -> old != null && old.max() == max ? old
                : new ConcurrencyLimiter(max));
    }

    @Override
    public void close() {
        passwordChecks.close();
    }
}
