package dev.gatehouse.upstream;

import dev.gatehouse.config.Target;
import dev.gatehouse.config.Upstream;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A named pool of targets and the order requests go to them: smooth weighted round robin (the nginx algorithm),
 * precomputed into a schedule so that picking costs one atomic increment and no lock. Weight 0 parks a target.
 */
public final class UpstreamPool {
    private final String name;
    private final List<Target> targets;
    private final Target[] schedule;
    private final AtomicLong cursor = new AtomicLong();

    public UpstreamPool(Upstream upstream) {
        this.name = upstream.name();
        this.targets = upstream.targets();
        this.schedule = smoothSchedule(targets);
    }

    public String name() {
        return name;
    }

    public List<Target> targets() {
        return targets;
    }

    /** The next target in rotation, skipping any in {@code exclude} while others remain; empty when all are parked. */
    public Optional<Target> next(Collection<Target> exclude) {
        if (schedule.length == 0) {
            return java.util.Optional.empty();
        }
        long start = cursor.getAndIncrement();
        for (int i = 0; i < schedule.length; i++) {
            Target t = schedule[(int) Math.floorMod(start + i, (long) schedule.length)];
            if (!exclude.contains(t)) {
                return java.util.Optional.of(t);
            }
        }
        return java.util.Optional.empty();
    }

    /** Number of distinct targets that take traffic (weight above 0). */
    public int activeTargets() {
        return (int) targets.stream().filter(t -> t.weight() > 0).count();
    }

    /** One full cycle of smooth weighted round robin: each target appears weight/gcd times, spread out evenly. */
    static Target[] smoothSchedule(List<Target> targets) {
        int gcd = 0;
        for (Target t : targets) {
            gcd = gcd(gcd, t.weight());
        }
        if (gcd == 0) {
            return new Target[0];
        }
        int n = targets.size();
        int[] weights = new int[n];
        int total = 0;
        for (int i = 0; i < n; i++) {
            weights[i] = targets.get(i).weight() / gcd;
            total += weights[i];
        }
        int[] current = new int[n];
        List<Target> out = new ArrayList<>(total);
        for (int step = 0; step < total; step++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                current[i] += weights[i];
                if (weights[i] > 0 && (best < 0 || current[i] > current[best])) {
                    best = i;
                }
            }
            current[best] -= total;
            out.add(targets.get(best));
        }
        return out.toArray(new Target[0]);
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
