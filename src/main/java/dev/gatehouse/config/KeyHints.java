package dev.gatehouse.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Finds the valid name closest to a misspelt one, for {@code did you mean "upstream"?} hints. */
final class KeyHints {
    private KeyHints() {
    }

    /**
     * The candidate with the smallest edit distance to {@code given}, compared case-insensitively, when it is
     * close enough to be a plausible typo: at most one edit per three characters (at least one). Farther
     * suggestions confuse more than they help ({@code "foo"} is not a typo of {@code "files"}).
     */
    static Optional<String> closest(String given, Collection<String> candidates) {
        String g = given.toLowerCase(Locale.ROOT);
        int allowed = Math.max(1, g.length() / 3);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(g, candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** The hint for an unknown name: the closest one, or else the list of valid ones. */
    static String hint(String given, Collection<String> candidates, String listLabel) {
        return closest(given, candidates)
                .map(c -> "did you mean \"" + c + "\"?")
                .orElseGet(() -> listLabel + ": " + String.join(", ", candidates));
    }

    /** Levenshtein distance: insertions, deletions and substitutions each cost one. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
