package dev.gatehouse.limits;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Whose bucket: 128 bits, small and fixed-size whatever the key, so a tracked key costs the same few bytes whether
 * it is an IPv4 address or a 200-byte API key. Addresses map exactly (IPv4 as IPv4-mapped IPv6); text is hashed with
 * SHA-256 cut to 128 bits, collision-resistant (no client can aim at someone else's bucket) and the same on every
 * node, so a shared store can use it as is.
 */
public record BucketKey(long hi, long lo) {
    /** The one bucket of a limit keyed on nothing but itself ({@code key: site}). */
    public static final BucketKey SHARED = new BucketKey(0, 0);

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    });

    public static BucketKey of(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 4) {
            long v4 = ((a[0] & 0xffL) << 24) | ((a[1] & 0xffL) << 16) | ((a[2] & 0xffL) << 8) | (a[3] & 0xffL);
            return new BucketKey(0, 0xffff_0000_0000L | v4);
        }
        return new BucketKey(longAt(a, 0), longAt(a, 8));
    }

    public static BucketKey of(String text) {
        MessageDigest sha = SHA256.get();
        byte[] d = sha.digest(text.getBytes(StandardCharsets.UTF_8));
        return new BucketKey(longAt(d, 0), longAt(d, 8));
    }

    private static long longAt(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xffL);
        }
        return v;
    }

    /** 32 hex digits: the key as a shared store may name it. */
    public String hex() {
        return String.format("%016x%016x", hi, lo);
    }
}
