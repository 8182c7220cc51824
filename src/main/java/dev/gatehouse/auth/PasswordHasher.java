package dev.gatehouse.auth;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/** Makes password hashes for {@code gatehouse hash-password}. */
public final class PasswordHasher {
    /** OWASP's argon2id setting: 19 MiB, 2 passes, 1 lane. */
    public static final int ARGON2_MEMORY_KIB = 19_456;
    public static final int ARGON2_ITERATIONS = 2;
    public static final int BCRYPT_COST = 12;

    private final SecureRandom random = new SecureRandom();

    /** {@code $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH} (16-byte salt, 32-byte hash). */
    public String argon2id(String password) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        byte[] hash = PasswordHash.Argon2id.derive(password.getBytes(StandardCharsets.UTF_8), salt, 32,
                ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, 1);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "$argon2id$v=19$m=" + ARGON2_MEMORY_KIB + ",t=" + ARGON2_ITERATIONS + ",p=1$" + b64.encodeToString(salt)
                + "$" + b64.encodeToString(hash);
    }

    /** {@code $2y$COST$...}, as {@code htpasswd -B} writes. */
    public String bcrypt(String password, int cost) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        byte[] p = password.getBytes(StandardCharsets.UTF_8);
        if (p.length > 72) {
            p = java.util.Arrays.copyOf(p, 72);
        }
        return OpenBSDBCrypt.generate("2y", p, salt, cost);
    }
}
