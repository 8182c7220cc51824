package dev.gatehouse.storage;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A certificate chain (leaf first, then intermediates) and the private key of its leaf: what a TLS server presents.
 *
 * @param chain leaf first; never empty
 * @param key   the leaf's private key
 */
public record CertifiedKey(List<X509Certificate> chain, PrivateKey key) {

    /** SubjectAltName GeneralName tags, RFC 5280 section 4.2.1.6. */
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    public CertifiedKey {
        chain = List.copyOf(Objects.requireNonNull(chain, "chain"));
        Objects.requireNonNull(key, "key");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("certificate chain is empty (expected: leaf certificate first)");
        }
    }

    /** The end-entity certificate. */
    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** When the leaf expires. */
    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** The leaf's SubjectAltName DNS names (lower case) and IP addresses, in certificate order. */
    public List<String> names() {
        Collection<List<?>> sans;
        try {
            sans = leaf().getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return List.of();
        }
        if (sans == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (List<?> san : sans) {
            int type = (Integer) san.get(0);
            if (type == SAN_DNS) {
                names.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
            } else if (type == SAN_IP) {
                names.add((String) san.get(1));
            }
        }
        return List.copyOf(names);
    }

    /**
     * Whether {@link #key()} is the private half of the leaf's public key: signs a random challenge and verifies it
     * with the certificate, which works for every key type the JDK knows (RSA, EC, EdDSA).
     */
    public boolean keyMatches() {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448: the key algorithm is the signature algorithm
        };
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf().getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // different key types end here: an RSA key cannot verify with an EC certificate
        }
    }

    @Override
    public String toString() {
        return "CertifiedKey[names=" + names() + ", notAfter=" + notAfter() + ", issuer="
                + leaf().getIssuerX500Principal().getName() + "]";
    }
}
