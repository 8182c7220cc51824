package dev.gatehouse.upstream;

/**
 * Smooth weighted round robin as nginx does it: every pick adds each usable target's weight to its running score,
 * takes the highest and subtracts the total from it. Weights 5:1:1 give a a b a c a a, not a a a a a b c. Scores are
 * kept per thread (no lock, no shared writes) and reset when the pool's target list changes; weights are read per
 * pick, so slow start and health changes apply at once.
 */
final class RoundRobin implements LoadBalancer {
    private static final class Scores {
        TargetState[] targets;
        long[] current;
    }

    private final ThreadLocal<Scores> scores = ThreadLocal.withInitial(Scores::new);

    @Override
    public TargetState pick(Candidates c) {
        Scores s = scores.get();
        if (s.targets != c.targets) {
            s.targets = c.targets;
            s.current = new long[c.targets.length];
        }
        long total = 0;
        int best = -1;
        for (int i = 0; i < c.targets.length; i++) {
            TargetState t = c.targets[i];
            if (!c.usable(t)) {
                continue;
            }
            int w = c.weight(t);
            s.current[i] += w;
            total += w;
            if (best < 0 || s.current[i] > s.current[best]) {
                best = i;
            }
        }
        if (best < 0) {
            return null;
        }
        s.current[best] -= total;
        return c.targets[best];
    }

    @Override
    public String how() {
        return "smooth weighted round robin: the next in the rotation, each usable target in proportion to its weight";
    }
}
