package dev.gatehouse.acme;

import dev.gatehouse.config.AcmeSettings.ChallengeType;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Set;

/**
 * Publishes ACME challenge answers where the CA will look for them: the server implements it over its listeners.
 * Calls come from the issuing executor, never the event loop; implementations must be thread-safe and must not block
 * for long (an answer has to be visible before {@link AcmeIssuer} asks the CA to validate).
 */
public interface ChallengeResponder {

    /** Challenge types that can be answered now: HTTP-01 needs the http listener (port 80), TLS-ALPN-01 the https one. */
    Set<ChallengeType> available();

    /** Serve {@code keyAuthorization} at {@code /.well-known/acme-challenge/<token>} on the http listener (RFC 8555 §8.3). */
    void addHttp01(String token, String keyAuthorization);

    void removeHttp01(String token);

    /**
     * Answer a TLS handshake with SNI {@code name} and ALPN {@code acme-tls/1} with {@code challengeCert}
     * (self-signed, carrying the acmeIdentifier extension) and its {@code key} (RFC 8737 §3).
     */
    void addTlsAlpn01(String name, X509Certificate challengeCert, KeyPair key);

    void removeTlsAlpn01(String name);
}
