package dev.gatehouse.upstream;

import dev.gatehouse.config.Target;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HashRingTest {
    private static TargetState[] targets(int n) {
        TargetState[] out = new TargetState[n];
        for (int i = 0; i < n; i++) {
            out[i] = new TargetState(new Target("10.0.0." + (i + 1), 8080, 100), 0);
        }
        return out;
    }

    private static Map<String, String> owners(HashRing ring, int keys) {
        Map<String, String> out = new HashMap<>();
        for (int k = 0; k < keys; k++) {
            out.put("client-" + k, ring.owner("client-" + k).address());
        }
        return out;
    }

    @Test
    void aJoiningTargetTakesAboutOneNthOfTheKeysAndNothingElseMoves() {
        int keys = 20_000;
        TargetState[] four = targets(4);
        TargetState[] five = java.util.Arrays.copyOf(four, 5);
        five[4] = new TargetState(new Target("10.0.0.5", 8080, 100), 0);

        Map<String, String> before = owners(new HashRing(four), keys);
        Map<String, String> after = owners(new HashRing(five), keys);

        long moved = before.keySet().stream().filter(k -> !before.get(k).equals(after.get(k))).count();
        long movedElsewhere = before.keySet().stream()
                .filter(k -> !before.get(k).equals(after.get(k)) && !after.get(k).equals("10.0.0.5:8080")).count();
        double share = moved / (double) keys;
        System.out.printf("hash ring 4 -> 5 targets: %.1f%% of %d keys moved (ideal 20%%)%n", share * 100, keys);
        assertThat(share).isBetween(0.15, 0.25);
        assertThat(movedElsewhere).as("keys only move to the new target").isZero();
    }

    @Test
    void keysSpreadEvenlyAndFollowWeights() {
        TargetState[] t = targets(3);
        t[2] = new TargetState(new Target("10.0.0.3", 8080, 200), 0);
        Map<String, Integer> counts = new HashMap<>();
        owners(new HashRing(t), 40_000).values().forEach(a -> counts.merge(a, 1, Integer::sum));

        assertThat(counts.get("10.0.0.1:8080") / 40_000.0).isBetween(0.20, 0.30);
        assertThat(counts.get("10.0.0.2:8080") / 40_000.0).isBetween(0.20, 0.30);
        assertThat(counts.get("10.0.0.3:8080") / 40_000.0).isBetween(0.44, 0.56);
    }

    @Test
    void anUnusableTargetsKeysGoToTheirNextPointOnly() {
        TargetState[] t = targets(4);
        HashRing ring = new HashRing(t);
        Candidates all = new Candidates(t, 0, 0, List.of(), true, false, RequestKey.NONE);
        Candidates withoutFirst = new Candidates(t, 0, 0, List.of(t[0]), true, false, RequestKey.NONE);
        for (int k = 0; k < 5000; k++) {
            TargetState owner = ring.lookup("k" + k, all);
            TargetState fallback = ring.lookup("k" + k, withoutFirst);
            if (owner != t[0]) {
                assertThat(fallback).isSameAs(owner);
            } else {
                assertThat(fallback).isNotSameAs(t[0]);
            }
        }
    }
}
