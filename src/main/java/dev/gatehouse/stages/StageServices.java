package dev.gatehouse.stages;

import dev.gatehouse.acme.Http01Tokens;

import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * What the server gives stages when it builds them, beyond their own settings. Typed fields, one per service; a
 * stage that needs a new one (a limiter's shared counters, an executor) adds it here.
 *
 * @param httpsPort the bound HTTPS port, or -1 while there is no HTTPS listener (read per request: it may change)
 * @param http01    the ACME HTTP-01 answers being published
 * @param access    rate-limit buckets, in-flight counters and the password thread, kept across reloads
 */
public record StageServices(IntSupplier httpsPort, Http01Tokens http01, AccessServices access) {
    public StageServices {
        Objects.requireNonNull(httpsPort, "httpsPort");
        Objects.requireNonNull(http01, "http01");
        Objects.requireNonNull(access, "access");
    }

    /** With access services of their own in memory (tests of stages that need none from the server). */
    public StageServices(IntSupplier httpsPort, Http01Tokens http01) {
        this(httpsPort, http01, AccessServices.inMemory(io.netty.channel.socket.nio.NioSocketChannel.class));
    }
}
