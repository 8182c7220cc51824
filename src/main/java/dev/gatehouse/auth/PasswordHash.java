package dev.gatehouse.auth;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stored password hash: bcrypt ({@code $2y$}, {@code $2b$}, {@code $2a$}, as {@code htpasswd -B} writes) or
 * argon2id in the PHC string format ({@code $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH}, as the {@code argon2} tool and
 * {@code gatehouse hash-password} write). Checking costs what the hash's parameters say (tens of milliseconds):
 * never on an event loop. Comparisons are constant-time.
 */
public sealed interface PasswordHash permits PasswordHash.Bcrypt, PasswordHash.Argon2id {
    /** The most memory an argon2id hash may ask for per check: checks share the server's heap. */
    int MAX_ARGON2_MEMORY_KIB = 65_536;

    /** Whether {@code password} (UTF-8) is the one this hash was made from. */
    boolean matches(byte[] password);

    /**
     * Parses a stored hash.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    static PasswordHash parse(String text) {
        if (Bcrypt.FORMAT.matcher(text).matches()) {
            return new Bcrypt(text);
        }
        if (text.startsWith("$argon2id$")) {
            return Argon2id.parse(text);
        }
        if (text.startsWith("$argon2")) {
            throw new IllegalArgumentException("only argon2id hashes are accepted, not " + text.substring(0,
                    text.indexOf('$', 1) > 0 ? text.indexOf('$', 1) + 1 : text.length()));
        }
        throw new IllegalArgumentException("not a bcrypt ($2y$/$2b$) or argon2id ($argon2id$) hash (expected: the "
                + "output of ./gatehouse hash-password or htpasswd -B)");
    }

    /** bcrypt; Bouncy Castle's check compares in constant time. */
    record Bcrypt(String text) implements PasswordHash {
        static final Pattern FORMAT = Pattern.compile("\\$2[aby]\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}");

        @Override
        public boolean matches(byte[] password) {
            // bcrypt reads at most 72 bytes; Bouncy Castle refuses more, so cut as every other implementation does
            byte[] p = password.length > 72 ? java.util.Arrays.copyOf(password, 72) : password;
            return OpenBSDBCrypt.checkPassword(text, p);
        }

        @Override
        public String toString() {
            return "bcrypt";
        }
    }

    /** argon2id (RFC 9106), version 19. */
    record Argon2id(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) implements PasswordHash {
        private static final Pattern FORMAT = Pattern.compile(
                "\\$argon2id\\$v=(\\d+)\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");

        static Argon2id parse(String text) {
            Matcher m = FORMAT.matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("malformed argon2id hash (expected: "
                        + "$argon2id$v=19$m=KIB,t=N,p=N$SALT$HASH)");
            }
            if (!m.group(1).equals("19")) {
                throw new IllegalArgumentException("argon2id version " + m.group(1) + " (expected: v=19)");
            }
            int memory = bounded(m.group(2), "m", 8, MAX_ARGON2_MEMORY_KIB);
            int iterations = bounded(m.group(3), "t", 1, 100);
            int parallelism = bounded(m.group(4), "p", 1, 16);
            Base64.Decoder b64 = Base64.getDecoder();
            byte[] salt = b64.decode(m.group(5));
            byte[] hash = b64.decode(m.group(6));
            if (salt.length < 8 || hash.length < 16) {
                throw new IllegalArgumentException("argon2id salt or hash too short (expected: at least 8 and 16 bytes)");
            }
            return new Argon2id(memory, iterations, parallelism, salt, hash);
        }

        private static int bounded(String digits, String name, int min, int max) {
            long v = digits.length() > 9 ? Long.MAX_VALUE : Long.parseLong(digits);
            if (v < min || v > max) {
                throw new IllegalArgumentException("argon2id " + name + "=" + digits + " (expected: " + min + ".." + max
                        + (name.equals("m") ? " KiB" : "") + ")");
            }
            return (int) v;
        }

        @Override
        public boolean matches(byte[] password) {
            return MessageDigest.isEqual(derive(password, salt, hash.length, memoryKib, iterations, parallelism), hash);
        }

        static byte[] derive(byte[] password, byte[] salt, int length, int memoryKib, int iterations, int parallelism) {
            Argon2BytesGenerator gen = new Argon2BytesGenerator();
            gen.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(parallelism)
                    .withSalt(salt).build());
            byte[] out = new byte[length];
            gen.generateBytes(password, out);
            return out;
        }

        @Override
        public String toString() {
            return "argon2id(m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + ")";
        }
    }
}
