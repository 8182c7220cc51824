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

    /**
     * Levenshtein distance (insertions, deletions, substitutions) where swapping two neighbouring letters
     * also costs one (optimal string alignment): {@code idel} is one slip from {@code idle}, not two.
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
