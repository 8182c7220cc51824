package dev.gatehouse.tls;

import dev.gatehouse.certificates.CertificateSink;
import dev.gatehouse.storage.CertifiedKey;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;

/**
 * Which certificate a TLS connection gets, chosen from its ClientHello. Thread-safe; every change applies to the
 * handshakes that start after it, while open connections keep the context they were given (hot swap).
 *
 * <p>Selection, in order:
 * <ol>
 *   <li>a pending TLS-ALPN-01 challenge for the SNI name, when the client offers ALPN {@code acme-tls/1};</li>
 *   <li>the exact SNI name;</li>
 *   <li>the wildcard one label up: {@code a.example.com} matches {@code *.example.com}, {@code a.b.example.com}
 *       does not (RFC 6125 section 6.4.3);</li>
 *   <li>without SNI (clients omit it for IP addresses): the connection's local IP address as a name;</li>
 *   <li>the default name, when set ({@link #setDefault});</li>
 *   <li>otherwise the handshake is refused with an {@code unrecognized_name} alert, logged at DEBUG.</li>
 * </ol>
 *
 * <p>Put it first in an HTTPS pipeline with {@link #newHandler()}.
 */
public final class CertificateRegistry implements CertificateSink {

    /** Selection result; {@code context} null when nothing matched. */
    record Selection(String serverName, SslContext context, boolean challenge) {
    }

    private final SslContexts contexts;
    private final Map<String, SslContext> sites = new ConcurrentHashMap<>();
    private final Map<String, SslContext> challenges = new ConcurrentHashMap<>();
    /** When each served certificate expires, for names put with their certificate (for metrics). */
    private final Map<String, Instant> expiries = new ConcurrentHashMap<>();
    private volatile String defaultName;

    public CertificateRegistry(SslContexts contexts) {
        this.contexts = Objects.requireNonNull(contexts, "contexts");
    }

    public SslContexts contexts() {
        return contexts;
    }

    /**
     * Serves {@code certificate} for {@code name} ({@code app.example.com}, {@code *.example.com} or an IP literal)
     * from the next handshake on. Builds the context (CPU): call from a certificate executor.
     */
    @Override
    public void put(String name, CertifiedKey certificate) throws SSLException {
        SslContext context = contexts.server(certificate);
        String key = normalize(name);
        sites.put(key, context);
        expiries.put(key, certificate.notAfter());
    }

    /** Serves a prebuilt {@code context} for {@code name} (its expiry is not known here). */
    public void put(String name, SslContext context) {
        String key = normalize(name);
        sites.put(key, Objects.requireNonNull(context, "context"));
        expiries.remove(key);
    }

    /** Stops serving {@code name}; true when it was there. */
    @Override
    public boolean remove(String name) {
        String key = normalize(name);
        expiries.remove(key);
        return sites.remove(key) != null;
    }

    /** When the certificate served for each name expires (names put with a prebuilt context are left out). */
    public Map<String, Instant> expiries() {
        return Map.copyOf(expiries);
    }

    /** The names served, sorted. */
    @Override
    public Set<String> names() {
        return new TreeSet<>(sites.keySet());
    }

    /**
     * Serves the certificate of {@code name} (as registered, exact or wildcard) to clients whose SNI matches no
     * name, or who send none. It follows swaps of that name.
     */
    @Override
    public void setDefault(String name) {
        defaultName = normalize(name);
    }

    /** Without a default, unknown names are refused. */
    @Override
    public void clearDefault() {
        defaultName = null;
    }

    public Optional<String> defaultName() {
        return Optional.ofNullable(defaultName);
    }

    /**
     * Answers TLS-ALPN-01 validation connections for {@code name} (an {@code acme-tls/1} ClientHello with that SNI)
     * with {@code challengeCertificate} until {@link #removeChallenge}. Other connections are unaffected.
     */
    public void putChallenge(String name, CertifiedKey challengeCertificate) throws SSLException {
        challenges.put(normalize(name), contexts.acmeChallenge(challengeCertificate));
    }

    public boolean removeChallenge(String name) {
        return challenges.remove(normalize(name)) != null;
    }

    /** The context a client gets with SNI {@code serverName} and no {@code acme-tls/1} offer (for diagnostics). */
    public Optional<SslContext> contextFor(String serverName) {
        return Optional.ofNullable(select(serverName, List.of(), null).context());
    }

    /**
     * The registry as a Netty {@link Mapping} (SNI only, no challenges, null when nothing matches) for code that
     * wants Netty's {@code SniHandler}; prefer {@link #newHandler()}.
     */
    public Mapping<String, SslContext> mapping() {
        return serverName -> select(serverName, List.of(), null).context();
    }

    /**
     * A new handler (one per channel) that reads the ClientHello, picks the context, and replaces itself with that
     * context's {@code SslHandler} under the same name. Add it first: {@code pipeline.addLast("tls",
     * registry.newHandler())}. Afterwards {@link TlsSession} tells the SNI name and the negotiated protocol.
     */
    public ChannelHandler newHandler() {
        return new SniAlpnHandler(this);
    }

    Selection select(String serverName, List<String> alpn, InetAddress localAddress) {
        if (serverName != null && !serverName.isEmpty()) {
            String name = serverName.toLowerCase(Locale.ROOT);
            if (alpn.contains(SslContexts.ACME_TLS_1)) {
                SslContext challenge = challenges.get(name);
                if (challenge != null) {
                    return new Selection(name, challenge, true);
                }
            }
            SslContext context = lookup(name);
            if (context != null) {
                return new Selection(name, context, false);
            }
        } else if (localAddress != null) {
            SslContext context = sites.get(NetUtil.toAddressString(localAddress));
            if (context != null) {
                return new Selection(null, context, false);
            }
        }
        String fallback = defaultName;
        return new Selection(serverName, fallback == null ? null : lookup(fallback), false);
    }

    private SslContext lookup(String name) {
        SslContext exact = sites.get(name);
        if (exact != null || name.startsWith("*.")) {
            return exact;
        }
        int dot = name.indexOf('.');
        return dot > 0 ? sites.get("*" + name.substring(dot)) : null;
    }

    /** Lower case, no trailing dot; IPv6 literals in RFC 5952 form so they match local addresses. */
    static String normalize(String name) {
        String lower = Objects.requireNonNull(name, "name").trim().toLowerCase(Locale.ROOT);
        if (lower.startsWith("[") && lower.endsWith("]")) {
            lower = lower.substring(1, lower.length() - 1);
        }
        if (lower.endsWith(".")) {
            lower = lower.substring(0, lower.length() - 1);
        }
        if (lower.isEmpty()) {
            throw new IllegalArgumentException("certificate name is empty (expected: a host name or IP address)");
        }
        if (NetUtil.isValidIpV6Address(lower)) {
            return NetUtil.toAddressString(NetUtil.getByName(lower));
        }
        return lower;
    }
}
