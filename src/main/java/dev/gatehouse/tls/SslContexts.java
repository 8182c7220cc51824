package dev.gatehouse.tls;

import dev.gatehouse.storage.CertifiedKey;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.OpenSslContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the server {@link SslContext}s: one policy for every site, so no site can be configured into weak TLS.
 *
 * <ul>
 *   <li>TLS 1.2 and 1.3 only ({@link #PROTOCOLS}).</li>
 *   <li>AEAD ciphers with forward secrecy only ({@link #CIPHERS}): AES-GCM and ChaCha20-Poly1305, ECDHE for 1.2.</li>
 *   <li>ALPN with the protocols given to the constructor (the server offers {@code h2} before {@code http/1.1});
 *       a client offering none of them gets no ALPN answer rather than a failed handshake.</li>
 *   <li>Session resumption with stateless tickets. With OpenSSL the ticket keys are ours, shared by every context
 *       of this instance and rotated by {@link #rotateTicketKeys()} (schedule it with
 *       {@link #scheduleTicketKeyRotation}, default every {@link #TICKET_KEY_ROTATION} = 12 h): the new key
 *       encrypts, the previous one still decrypts, so a ticket lives between 12 and 24 h and a stolen key exposes
 *       at most a day of sessions. The JDK provider manages and rotates its own ticket keys
 *       ({@code jdk.tls.server.statelessKeyTimeout}, default 1 h), so rotation is a no-op there.</li>
 * </ul>
 *
 * <p>Building a context parses the key and certificates (CPU only, well under a millisecond to a few): fine on a
 * certificate executor, avoid on the event loop.
 */
public final class SslContexts {

    public static final String HTTP_1_1 = "http/1.1";
    public static final String H2 = "h2";
    /** RFC 8737: the ALPN protocol of TLS-ALPN-01 validation connections. */
    public static final String ACME_TLS_1 = "acme-tls/1";

    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** Standard (IANA/JSSE) names; Netty maps them to OpenSSL's. TLS 1.3 suites first. */
    public static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    /** How often OpenSSL session ticket keys rotate. */
    public static final Duration TICKET_KEY_ROTATION = Duration.ofHours(12);

    private static final Logger log = LoggerFactory.getLogger(SslContexts.class);

    private final TlsProvider provider;
    private final List<String> applicationProtocols;
    private final SecureRandom random = new SecureRandom();
    /** OpenSSL contexts built here, to give them new ticket keys; weak, so a swapped-out context can go. */
    private final Set<OpenSslContext> openSslContexts = Collections.newSetFromMap(new WeakHashMap<>());
    private OpenSslSessionTicketKey[] ticketKeys; // guarded by openSslContexts; [current, previous]

    /**
     * @param provider             from {@link TlsProvider#detect()} (or forced, in tests)
     * @param applicationProtocols ALPN protocols in server preference order, e.g. {@code [h2, http/1.1]}
     */
    public SslContexts(TlsProvider provider, List<String> applicationProtocols) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.applicationProtocols = List.copyOf(applicationProtocols);
        if (this.applicationProtocols.isEmpty() || this.applicationProtocols.contains(ACME_TLS_1)) {
            throw new IllegalArgumentException("applicationProtocols " + applicationProtocols
                    + " (expected: at least one, e.g. http/1.1; acme-tls/1 has its own context)");
        }
        if (!provider.isAvailable()) {
            throw new IllegalArgumentException("tls provider " + provider + " is not available in this JVM");
        }
    }

    public TlsProvider provider() {
        return provider;
    }

    public List<String> applicationProtocols() {
        return applicationProtocols;
    }

    /** A server context presenting {@code certificate}, with this instance's ALPN protocols. */
    public SslContext server(CertifiedKey certificate) throws SSLException {
        return build(certificate, applicationProtocols);
    }

    /**
     * A context for a TLS-ALPN-01 challenge certificate (RFC 8737): ALPN {@code acme-tls/1} only. Connections that
     * use it carry no application data; {@link CertificateRegistry}'s handler closes them after the handshake.
     */
    public SslContext acmeChallenge(CertifiedKey challengeCertificate) throws SSLException {
        return build(challengeCertificate, List.of(ACME_TLS_1));
    }

    private SslContext build(CertifiedKey certificate, List<String> alpn) throws SSLException {
        SslContext context = SslContextBuilder
                .forServer(certificate.key(), certificate.chain().toArray(new X509Certificate[0]))
                .sslProvider(provider.netty())
                .protocols(PROTOCOLS)
                .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                        // The only pair both providers support; a client without a common protocol proceeds
                        // without ALPN (and speaks HTTP/1.1), as browsers expect.
                        SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT, alpn))
                .build();
        if (context instanceof OpenSslContext openSsl) {
            synchronized (openSslContexts) {
                if (ticketKeys == null) {
                    ticketKeys = new OpenSslSessionTicketKey[] {newTicketKey()};
                }
                openSsl.sessionContext().setTicketKeys(ticketKeys);
                openSslContexts.add(openSsl);
            }
        }
        return context;
    }

    /**
     * Makes a fresh session ticket key the encrypting one and keeps the previous for decryption only, in every
     * OpenSSL context built here. Meant for a scheduler thread.
     */
    public void rotateTicketKeys() {
        if (provider != TlsProvider.OPENSSL) {
            return;
        }
        synchronized (openSslContexts) {
            OpenSslSessionTicketKey next = newTicketKey();
            ticketKeys = ticketKeys == null ? new OpenSslSessionTicketKey[] {next}
                    : new OpenSslSessionTicketKey[] {next, ticketKeys[0]};
            for (OpenSslContext context : openSslContexts) {
                context.sessionContext().setTicketKeys(ticketKeys);
            }
            log.debug("tls session ticket keys rotated contexts={}", openSslContexts.size());
        }
    }

    /** Calls {@link #rotateTicketKeys()} every {@code period} on {@code scheduler}; cancel the result to stop. */
    public ScheduledFuture<?> scheduleTicketKeyRotation(ScheduledExecutorService scheduler, Duration period) {
        long millis = period.toMillis();
        return scheduler.scheduleAtFixedRate(() -> {
            try {
                rotateTicketKeys();
            } catch (Throwable t) { // a periodic task that throws is never run again
                log.error("tls session ticket key rotation failed: {}", t.toString());
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    private OpenSslSessionTicketKey newTicketKey() {
        byte[] name = new byte[OpenSslSessionTicketKey.NAME_SIZE];
        byte[] hmac = new byte[OpenSslSessionTicketKey.HMAC_KEY_SIZE];
        byte[] aes = new byte[OpenSslSessionTicketKey.AES_KEY_SIZE];
        random.nextBytes(name);
        random.nextBytes(hmac);
        random.nextBytes(aes);
        return new OpenSslSessionTicketKey(name, hmac, aes);
    }
}
