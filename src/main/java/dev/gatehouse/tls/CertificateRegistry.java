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
 *   <li>the exact SNI name (a site's name or alias);</li>
 *   <li>the wildcard one label up: {@code a.example.com} matches {@code *.example.com}, {@code a.b.example.com}
 *       does not (RFC 6125 section 6.4.3);</li>
 *   <li>without SNI (clients omit it for IP addresses): the connection's local IP address as a name;</li>
 *   <li>the default name, when set ({@link #setDefault});</li>
 *   <li>otherwise the handshake is refused with an {@code unrecognized_name} alert, logged at DEBUG.</li>
 * </ol>
 *
 * <p>A name may have two certificates, one ECDSA and one RSA ({@code key_type: [ecdsa-p256, rsa2048]}): a client that
 * can take ECDSA gets that one, others the RSA one ({@link ClientHello#ecdsa()}).
 *
 * <p>Put it first in an HTTPS pipeline with {@link #newHandler()}.
 */
public final class CertificateRegistry implements CertificateSink {

    /** Selection result; {@code context} null when nothing matched. */
    record Selection(String serverName, SslContext context, boolean challenge) {
    }

    /** One served certificate: its context and expiry (null when put as a prebuilt context). */
    private record Entry(SslContext context, Instant notAfter) {
    }

    /** The certificates served for one name: at most one per key algorithm family (ECDSA, RSA, other). */
    private record Served(Map<Family, Entry> entries) {
        static final Served NONE = new Served(Map.of());

        Served with(Family family, Entry entry) {
            Map<Family, Entry> next = new java.util.EnumMap<>(Family.class);
            next.putAll(entries);
            next.put(family, entry);
            return new Served(Map.copyOf(next));
        }

        SslContext pick(boolean clientTakesEcdsa) {
            Entry chosen = clientTakesEcdsa ? entries.get(Family.ECDSA) : null;
            for (Family f : List.of(Family.RSA, Family.OTHER, Family.ECDSA)) {
                if (chosen == null) {
                    chosen = entries.get(f);
                }
            }
            return chosen == null ? null : chosen.context();
        }

        Optional<Instant> notAfter() {
            return entries.values().stream().map(Entry::notAfter).filter(Objects::nonNull).min(Instant::compareTo);
        }
    }

    /** Key algorithm families a client chooses between. */
    private enum Family {
        ECDSA, RSA, OTHER;

        static Family of(CertifiedKey certificate) {
            return switch (certificate.leaf().getPublicKey().getAlgorithm()) {
                case "EC" -> ECDSA;
                case "RSA" -> RSA;
                default -> OTHER;
            };
        }
    }

    private final SslContexts contexts;
    private final Map<String, Served> sites = new ConcurrentHashMap<>();
    private final Map<String, SslContext> challenges = new ConcurrentHashMap<>();
    private volatile String defaultName;

    public CertificateRegistry(SslContexts contexts) {
        this.contexts = Objects.requireNonNull(contexts, "contexts");
    }

    public SslContexts contexts() {
        return contexts;
    }

    /**
     * Serves {@code certificate} for {@code name} ({@code app.example.com}, {@code *.example.com} or an IP literal)
     * from the next handshake on, in place of the one of the same key algorithm (ECDSA or RSA); one of the other
     * algorithm stays. Builds the context (CPU): call from a certificate executor.
     */
    @Override
    public void put(String name, CertifiedKey certificate) throws SSLException {
        Entry entry = new Entry(contexts.server(certificate), certificate.notAfter());
        Family family = Family.of(certificate);
        sites.compute(normalize(name), (k, served) -> (served == null ? Served.NONE : served).with(family, entry));
    }

    /** Serves a prebuilt {@code context} for {@code name} alone (its expiry is not known here). */
    public void put(String name, SslContext context) {
        sites.put(normalize(name), Served.NONE.with(Family.OTHER, new Entry(Objects.requireNonNull(context, "context"),
                null)));
    }

    /** Stops serving {@code name} (every key algorithm); true when it was there. */
    @Override
    public boolean remove(String name) {
        return sites.remove(normalize(name)) != null;
    }

    /**
     * When the certificate served for each name expires; the earlier one where a name has two (names put with a
     * prebuilt context are left out).
     */
    public Map<String, Instant> expiries() {
        Map<String, Instant> out = new java.util.HashMap<>();
        sites.forEach((name, served) -> served.notAfter().ifPresent(t -> out.put(name, t)));
        return Map.copyOf(out);
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
        return Optional.ofNullable(select(serverName, List.of(), true, null).context());
    }

    /**
     * The registry as a Netty {@link Mapping} (SNI only, no challenges, null when nothing matches) for code that
     * wants Netty's {@code SniHandler}; prefer {@link #newHandler()}.
     */
    public Mapping<String, SslContext> mapping() {
        return serverName -> select(serverName, List.of(), true, null).context();
    }

    /**
     * A new handler (one per channel) that reads the ClientHello, picks the context, and replaces itself with that
     * context's {@code SslHandler} under the same name. Add it first: {@code pipeline.addLast("tls",
     * registry.newHandler())}. Afterwards {@link TlsSession} tells the SNI name and the negotiated protocol.
     */
    public ChannelHandler newHandler() {
        return new SniAlpnHandler(this);
    }

    Selection select(String serverName, List<String> alpn, boolean ecdsa, InetAddress localAddress) {
        if (serverName != null && !serverName.isEmpty()) {
            String name = serverName.toLowerCase(Locale.ROOT);
            if (alpn.contains(SslContexts.ACME_TLS_1)) {
                SslContext challenge = challenges.get(name);
                if (challenge != null) {
                    return new Selection(name, challenge, true);
                }
            }
            Served served = lookup(name);
            if (served != null) {
                return new Selection(name, served.pick(ecdsa), false);
            }
        } else if (localAddress != null) {
            Served served = sites.get(NetUtil.toAddressString(localAddress));
            if (served != null) {
                return new Selection(null, served.pick(ecdsa), false);
            }
        }
        String fallback = defaultName;
        Served served = fallback == null ? null : lookup(fallback);
        return new Selection(serverName, served == null ? null : served.pick(ecdsa), false);
    }

    private Served lookup(String name) {
        Served exact = sites.get(name);
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
