package dev.gatehouse.upstream;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Power of two random choices: draw two usable targets at random in proportion to their weights and take the one
 * with fewer requests in flight per weight. Nearly as good as least-requests at spreading, without every request
 * herding onto the same momentarily idle target.
 */
final class PowerOfTwo implements LoadBalancer {
    @Override
    public TargetState pick(Candidates c) {
        long total = 0;
        for (TargetState t : c.targets) {
            if (c.usable(t)) {
                total += c.weight(t);
            }
        }
        if (total == 0) {
            return null;
        }
        TargetState a = draw(c, total, null);
        TargetState b = draw(c, total - c.weight(a), a);
        if (b == null) {
            return a;
        }
        return LeastRequests.lessLoaded(b, c.weight(b), a, c.weight(a)) ? b : a;
    }

    @Override
    public String how() {
        return "two usable targets drawn at random by weight, the one with fewer requests in flight for its weight";
    }

    /** A usable target other than {@code not}, drawn by weight; null when there is none. */
    private static TargetState draw(Candidates c, long total, TargetState not) {
        if (total <= 0) {
            return null;
        }
        long r = ThreadLocalRandom.current().nextLong(total);
        for (TargetState t : c.targets) {
            if (t == not || !c.usable(t)) {
                continue;
            }
            r -= c.weight(t);
            if (r < 0) {
                return t;
            }
        }
        return null; // a weight changed between the two passes
    }
}
