package dev.gatehouse.certificates;

import dev.gatehouse.config.KeyType;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Optional;

/**
 * Key generation. CPU-bound (about a millisecond for P-256, tens to hundreds for RSA 2048, seconds for RSA 4096):
 * never on an event loop.
 */
public final class KeyPairs {

    private KeyPairs() {
    }

    /** A fresh ECDSA P-256 (secp256r1) key pair. */
    static KeyPair ecP256() {
        return generate(KeyType.ECDSA_P256);
    }

    /** A fresh key pair of {@code type}. */
    public static KeyPair generate(KeyType type) {
        try {
            KeyPairGenerator generator;
            switch (type) {
                case ECDSA_P256, ECDSA_P384 -> {
                    generator = KeyPairGenerator.getInstance("EC");
                    generator.initialize(new ECGenParameterSpec(type == KeyType.ECDSA_P256 ? "secp256r1" : "secp384r1"));
                }
                default -> {
                    generator = KeyPairGenerator.getInstance("RSA");
                    generator.initialize(switch (type) {
                        case RSA2048 -> 2048;
                        case RSA3072 -> 3072;
                        default -> 4096;
                    });
                }
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate " + type.configName() + " keys", e);
        }
    }

    /** The key type of {@code key}'s public half, as far as the config names them; empty for others. */
    public static Optional<KeyType> typeOf(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return bits == 256 ? Optional.of(KeyType.ECDSA_P256)
                    : bits == 384 ? Optional.of(KeyType.ECDSA_P384) : Optional.empty();
        }
        if (key instanceof RSAPublicKey rsa) {
            return switch (rsa.getModulus().bitLength()) {
                case 2048 -> Optional.of(KeyType.RSA2048);
                case 3072 -> Optional.of(KeyType.RSA3072);
                case 4096 -> Optional.of(KeyType.RSA4096);
                default -> Optional.empty();
            };
        }
        return Optional.empty();
    }
}
