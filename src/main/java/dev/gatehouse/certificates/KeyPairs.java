package dev.gatehouse.certificates;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** Key generation. CPU-bound (about a millisecond for P-256): never on an event loop. */
final class KeyPairs {

    private KeyPairs() {
    }

    /** A fresh ECDSA P-256 (secp256r1) key pair. */
    static KeyPair ecP256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate P-256 keys", e);
        }
    }
}
