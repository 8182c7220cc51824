package dev.gatehouse.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The key of a certificate Gatehouse obtains ({@code tls: { key_type: ... }}). ECDSA P-256 is the default: small,
 * fast to handshake, accepted by every current client; RSA serves the few old clients without ECDSA.
 */
public enum KeyType {
    ECDSA_P256("ecdsa-p256"),
    ECDSA_P384("ecdsa-p384"),
    RSA2048("rsa2048"),
    RSA3072("rsa3072"),
    RSA4096("rsa4096");

    /** The default key type. */
    public static final KeyType DEFAULT = ECDSA_P256;

    private final String configName;

    KeyType(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public boolean isRsa() {
        return configName.startsWith("rsa");
    }

    public static Optional<KeyType> parse(String text) {
        return Arrays.stream(values()).filter(k -> k.configName.equals(text)).findFirst();
    }

    public static List<String> configNames() {
        return Arrays.stream(values()).map(KeyType::configName).toList();
    }
}
