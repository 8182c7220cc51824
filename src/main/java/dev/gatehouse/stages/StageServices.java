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
 */
public record StageServices(IntSupplier httpsPort, Http01Tokens http01) {
    public StageServices {
        Objects.requireNonNull(httpsPort, "httpsPort");
        Objects.requireNonNull(http01, "http01");
    }
}
