package dev.gatehouse.tls;

import dev.gatehouse.acme.ChallengeResponder;
import dev.gatehouse.acme.Http01Tokens;
import dev.gatehouse.config.AcmeSettings.ChallengeType;
import dev.gatehouse.storage.CertifiedKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Where Gatehouse publishes ACME challenge answers: HTTP-01 tokens for the plain listener, TLS-ALPN-01 certificates
 * straight into the {@link CertificateRegistry}, whose handshake handler serves them to {@code acme-tls/1} clients.
 */
public final class ChallengeAnswers implements ChallengeResponder {
    private static final Logger log = LoggerFactory.getLogger(ChallengeAnswers.class);

    private final Http01Tokens http01;
    private final CertificateRegistry registry;
    private final Supplier<Set<ChallengeType>> available;

    /** @param available which challenge types the bound listeners can answer right now */
    public ChallengeAnswers(Http01Tokens http01, CertificateRegistry registry, Supplier<Set<ChallengeType>> available) {
        this.http01 = http01;
        this.registry = registry;
        this.available = available;
    }

    @Override
    public Set<ChallengeType> available() {
        return Set.copyOf(available.get());
    }

    @Override
    public void addHttp01(String token, String keyAuthorization) {
        http01.add(token, keyAuthorization);
    }

    @Override
    public void removeHttp01(String token) {
        http01.remove(token);
    }

    @Override
    public void addTlsAlpn01(String name, X509Certificate challengeCert, KeyPair key) {
        try {
            registry.putChallenge(name, new CertifiedKey(List.of(challengeCert), key.getPrivate()));
        } catch (SSLException e) {
            // The order will fail validation and say so; the log tells why.
            log.error("tls name={} cannot serve the tls-alpn-01 challenge certificate: {}", name, e.getMessage());
        }
    }

    @Override
    public void removeTlsAlpn01(String name) {
        registry.removeChallenge(name);
    }
}
