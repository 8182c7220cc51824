package dev.gatehouse.upstream;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** The usable target with the fewest requests in flight per unit of weight; the scan starts at a random place. */
final class LeastRequests implements LoadBalancer {
    @Override
    public TargetState pick(Candidates c) {
        int n = c.targets.length;
        if (n == 0) {
            return null;
        }
        int start = ThreadLocalRandom.current().nextInt(n);
        TargetState best = null;
        int bestWeight = 0;
        for (int k = 0; k < n; k++) {
            TargetState t = c.targets[(start + k) % n];
            if (!c.usable(t)) {
                continue;
            }
            int w = c.weight(t);
            // (in-flight + 1) / weight, compared without division
            if (best == null || (long) (t.inFlight() + 1) * bestWeight < (long) (best.inFlight() + 1) * w) {
                best = t;
                bestWeight = w;
            }
        }
        return best;
    }

    /** The least loaded target when no other is as little loaded (a tie goes to a random one of them). */
    @Override
    public Optional<TargetState> foresee(Candidates c) {
        TargetState best = null;
        int bestWeight = 0;
        boolean tie = false;
        for (TargetState t : c.targets) {
            if (!c.usable(t)) {
                continue;
            }
            int w = c.weight(t);
            if (best == null || lessLoaded(t, w, best, bestWeight)) {
                best = t;
                bestWeight = w;
                tie = false;
            } else if (!lessLoaded(best, bestWeight, t, w)) {
                tie = true;
            }
        }
        return tie ? Optional.empty() : Optional.ofNullable(best);
    }

    @Override
    public String how() {
        return "the usable target with the fewest requests in flight for its weight (ties at random)";
    }

    /** Whether {@code a} is less loaded than {@code b} for their weights. */
    static boolean lessLoaded(TargetState a, int wa, TargetState b, int wb) {
        return (long) (a.inFlight() + 1) * wb < (long) (b.inFlight() + 1) * wa;
    }
}
