package dev.gatehouse.cluster;

import dev.gatehouse.storage.Storage;
import dev.gatehouse.storage.StorageException;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/**
 * How a storage value is laid out in Redis: one byte saying what follows, then the value. {@link Storage.Visibility#SECRET}
 * values (private keys) are encrypted with AES-256-GCM when the cluster has an encryption key, so a copy of Redis's
 * data holds no usable key; the storage key is the associated data, so a value moved to another key does not decrypt.
 *
 * <pre>
 * 'p' value                          PUBLIC
 * 's' value                          SECRET, stored as it is (no encryption key)
 * 'e' nonce(12) ciphertext+tag(16)   SECRET, encrypted
 * </pre>
 */
final class SecretCipher {
    private static final byte PUBLIC = 'p';
    private static final byte PLAIN_SECRET = 's';
    private static final byte ENCRYPTED = 'e';
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;

    private final Optional<SecretKeySpec> key;
    private final SecureRandom random = new SecureRandom();

    SecretCipher(Optional<byte[]> key) {
        this.key = key.map(k -> new SecretKeySpec(k, "AES"));
    }

    /** The bytes to store for {@code value} under {@code storageKey}. */
    byte[] seal(String storageKey, byte[] value, Storage.Visibility visibility) throws StorageException {
        if (visibility == Storage.Visibility.PUBLIC || key.isEmpty()) {
            byte[] out = new byte[value.length + 1];
            out[0] = visibility == Storage.Visibility.PUBLIC ? PUBLIC : PLAIN_SECRET;
            System.arraycopy(value, 0, out, 1, value.length);
            return out;
        }
        try {
            byte[] nonce = new byte[NONCE];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.get(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(storageKey.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(value);
            byte[] out = new byte[1 + NONCE + sealed.length];
            out[0] = ENCRYPTED;
            System.arraycopy(nonce, 0, out, 1, NONCE);
            System.arraycopy(sealed, 0, out, 1 + NONCE, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new StorageException("storage: cannot encrypt " + storageKey + ": " + e.getMessage(), e);
        }
    }

    /** The value and its visibility from what {@link #seal} stored; {@code where} names it in errors. */
    Storage.Entry open(String storageKey, byte[] stored, String where) throws StorageException {
        if (stored.length == 0) {
            throw new StorageException("storage: " + where + " is empty (expected: a value written by gatehouse)");
        }
        byte kind = stored[0];
        if (kind == PUBLIC || kind == PLAIN_SECRET) {
            return new Storage.Entry(storageKey, Arrays.copyOfRange(stored, 1, stored.length),
                    kind == PUBLIC ? Storage.Visibility.PUBLIC : Storage.Visibility.SECRET);
        }
        if (kind != ENCRYPTED || stored.length < 1 + NONCE + TAG_BITS / 8) {
            throw new StorageException("storage: " + where + " is not a value written by gatehouse");
        }
        if (key.isEmpty()) {
            throw new StorageException("storage: " + where + " is encrypted, and this node has no encryption key "
                    + "(expected: the same cluster encryption_key_env or encryption_key_file on every node)");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.get(), new GCMParameterSpec(TAG_BITS, stored, 1, NONCE));
            cipher.updateAAD(storageKey.getBytes(StandardCharsets.UTF_8));
            byte[] value = cipher.doFinal(stored, 1 + NONCE, stored.length - 1 - NONCE);
            return new Storage.Entry(storageKey, value, Storage.Visibility.SECRET);
        } catch (AEADBadTagException e) {
            throw new StorageException("storage: " + where + " does not decrypt with this node's encryption key "
                    + "(expected: the same cluster encryption key on every node)", e);
        } catch (GeneralSecurityException e) {
            throw new StorageException("storage: cannot decrypt " + where + ": " + e.getMessage(), e);
        }
    }
}
