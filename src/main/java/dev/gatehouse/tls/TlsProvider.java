package dev.gatehouse.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS implementation behind every server context: BoringSSL through netty-tcnative when its native library
 * loads on this machine (faster handshakes, less garbage), the JDK's otherwise. Both are configured identically by
 * {@link SslContexts}; tests run the handshake suite against each.
 */
public enum TlsProvider {
    OPENSSL(SslProvider.OPENSSL),
    JDK(SslProvider.JDK);

    private static final Logger log = LoggerFactory.getLogger(TlsProvider.class);

    private final SslProvider netty;

    TlsProvider(SslProvider netty) {
        this.netty = netty;
    }

    SslProvider netty() {
        return netty;
    }

    /** Whether this provider can be used in this JVM. */
    public boolean isAvailable() {
        return this == JDK || OpenSsl.isAvailable();
    }

    /** A short description for logs, e.g. {@code openssl (BoringSSL)} or {@code jdk (17.0.15)}. */
    public String describe() {
        return this == OPENSSL ? "openssl (" + OpenSsl.versionString() + ")"
                : "jdk (" + System.getProperty("java.version") + ")";
    }

    /**
     * Picks OpenSSL when available, else the JDK, and logs the choice with the reason. Call once at startup and
     * hand the result to {@link SslContexts}; loading the native library may take a few milliseconds.
     */
    public static TlsProvider detect() {
        if (OpenSsl.isAvailable()) {
            log.info("tls provider={}", OPENSSL.describe());
            return OPENSSL;
        }
        Throwable cause = OpenSsl.unavailabilityCause();
        log.info("tls provider={}; openssl unavailable: {}", JDK.describe(),
                cause == null ? "unknown reason" : cause.toString());
        return JDK;
    }
}
