package dev.gatehouse.stages;

import dev.gatehouse.acme.Http01Tokens;
import dev.gatehouse.cache.ResponseCache;
import dev.gatehouse.config.Limits;

import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * What the server gives stages when it builds them, beyond their own settings. Typed fields, one per service; a
 * stage that needs a new one (a limiter's shared counters, an executor) adds it here.
 *
 * @param httpsPort the bound HTTPS port, or -1 while there is no HTTPS listener (read per request: it may change)
 * @param http01    the ACME HTTP-01 answers being published
 * @param limits    the config's limits ({@code buffer_requests: true} buffers up to {@code limits.max_body})
 * @param bodies    where {@code buffer_requests} keeps bodies that outgrow memory
 * @param access    rate-limit buckets, in-flight counters and the password thread, kept across reloads
 * @param cache     the response cache the {@code cache} stages store in and answer from
 */
public record StageServices(IntSupplier httpsPort, Http01Tokens http01, Limits limits, BodyBuffers bodies,
                            AccessServices access, ResponseCache cache) {
    public StageServices {
        Objects.requireNonNull(httpsPort, "httpsPort");
        Objects.requireNonNull(http01, "http01");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(bodies, "bodies");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(cache, "cache");
    }

    /** With access services of their own, in memory, and an empty memory-only cache (tests of stages). */
    public StageServices(IntSupplier httpsPort, Http01Tokens http01, Limits limits, BodyBuffers bodies) {
        this(httpsPort, http01, limits, bodies,
                AccessServices.inMemory(io.netty.channel.socket.nio.NioSocketChannel.class),
                new ResponseCache(dev.gatehouse.config.CacheStorage.DEFAULTS, Runnable::run,
                        new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
    }
}
