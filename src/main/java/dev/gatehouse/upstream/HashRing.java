package dev.gatehouse.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A consistent-hash ring: each target owns points in proportion to its weight ({@value #POINTS_PER_100} per weight
 * 100), a key goes to the first point at or after its hash. When a target joins, it takes over about 1/N of the
 * keys and the others keep theirs; when one leaves (or is unusable), only its keys move, to their next points.
 */
final class HashRing {
    static final int POINTS_PER_100 = 160;

    final TargetState[] targets;
    private final long[] points;
    private final int[] owners;

    HashRing(TargetState[] targets) {
        this.targets = targets;
        int count = 0;
        for (TargetState t : targets) {
            count += points(t.weight());
        }
        long[][] pairs = new long[count][];
        int k = 0;
        for (int i = 0; i < targets.length; i++) {
            String address = targets[i].address();
            for (int p = 0; p < points(targets[i].weight()); p++) {
                pairs[k++] = new long[] {hash(address + "#" + p), i};
            }
        }
        Arrays.sort(pairs, (a, b) -> Long.compare(a[0], b[0]));
        points = new long[count];
        owners = new int[count];
        for (int i = 0; i < count; i++) {
            points[i] = pairs[i][0];
            owners[i] = (int) pairs[i][1];
        }
    }

    private static int points(int weight) {
        return weight == 0 ? 0 : Math.max(1, weight * POINTS_PER_100 / 100);
    }

    /** The first usable target clockwise from the key's hash; null when none is usable. */
    TargetState lookup(String key, Candidates c) {
        if (points.length == 0) {
            return null;
        }
        int i = Arrays.binarySearch(points, hash(key));
        if (i < 0) {
            i = -i - 1;
        }
        for (int k = 0; k < points.length; k++) {
            TargetState t = targets[owners[(i + k) % points.length]];
            if (c.usable(t)) {
                return t;
            }
        }
        return null;
    }

    /** The owner of a key when every target is usable (for tests and the admin API). */
    TargetState owner(String key) {
        int i = Arrays.binarySearch(points, hash(key));
        if (i < 0) {
            i = -i - 1;
        }
        return targets[owners[i % points.length]];
    }

    /** 64-bit FNV-1a over the UTF-8 bytes, finished with MurmurHash3's fmix64 so nearby keys spread. */
    static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
