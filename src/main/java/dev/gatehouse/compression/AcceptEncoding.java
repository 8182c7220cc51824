package dev.gatehouse.compression;

import dev.gatehouse.config.Compress.Algorithm;

import java.util.ArrayList;
import java.util.List;

/**
 * The content codings a request accepts (RFC 9110 §12.5.3), from its {@code Accept-Encoding}: the best of those
 * offered, by the client's q-values, ties broken by the server's order. A coding with {@code q=0} is refused, also
 * through {@code *;q=0}; {@code *} stands for every coding not named; {@code x-gzip} is gzip. No header, or an empty
 * one, asks for the body as it is. A client that gives {@code identity} a higher q-value than any offered coding gets
 * the body as it is.
 */
public final class AcceptEncoding {
    /** q-values in thousandths (RFC 9110 §12.4.2: at most three decimals). */
    private static final int UNLISTED = -1;

    private AcceptEncoding() {
    }

    /** The coding to use for a request with {@code header} (null when absent), or null for the body as it is. */
    public static Algorithm choose(String header, List<Algorithm> offered) {
        if (header == null || header.isEmpty()) {
            return null;
        }
        Weights w = Weights.parse(header, offered);
        Algorithm best = null;
        int bestQ = 0;
        for (int i = 0; i < offered.size(); i++) {
            int q = w.q(i);
            if (q > bestQ) {
                best = offered.get(i);
                bestQ = q;
            }
        }
        return best != null && w.identity > bestQ ? null : best;
    }

    /**
     * Every offered coding the request accepts, best first (for precompressed files, where the best coding may have
     * no file); empty when none, or when the client prefers the body as it is.
     */
    public static List<Algorithm> ranked(String header, List<Algorithm> offered) {
        List<Algorithm> out = new ArrayList<>(offered.size());
        if (header == null || header.isEmpty()) {
            return out;
        }
        Weights w = Weights.parse(header, offered);
        for (int q = 1000; q > 0 && out.size() < offered.size(); ) {
            int next = 0;
            for (int i = 0; i < offered.size(); i++) {
                int qi = w.q(i);
                if (qi == q && q > w.identity) {
                    out.add(offered.get(i));
                } else if (qi < q && qi > next) {
                    next = qi;
                }
            }
            q = next;
        }
        return out;
    }

    /** The q-values a header gives the offered codings, identity and {@code *}. */
    private static final class Weights {
        private final int[] named;
        private int star = UNLISTED;
        private int identity = UNLISTED;

        private Weights(int n) {
            named = new int[n];
            java.util.Arrays.fill(named, UNLISTED);
        }

        /** The q-value of the i-th offered coding: its own, else that of {@code *}, else 0 (not acceptable). */
        int q(int i) {
            return named[i] != UNLISTED ? named[i] : Math.max(star, 0);
        }

        static Weights parse(String header, List<Algorithm> offered) {
            Weights w = new Weights(offered.size());
            int n = header.length();
            int start = 0;
            while (start < n) {
                int comma = header.indexOf(',', start);
                int end = comma < 0 ? n : comma;
                w.element(header.substring(start, end), offered);
                start = end + 1;
            }
            return w;
        }

        private void element(String element, List<Algorithm> offered) {
            int semi = element.indexOf(';');
            String coding = (semi < 0 ? element : element.substring(0, semi)).trim();
            if (coding.isEmpty()) {
                return;
            }
            int q = semi < 0 ? 1000 : qValue(element.substring(semi + 1));
            if (coding.equals("*")) {
                star = q;
            } else if (coding.equalsIgnoreCase("identity")) {
                identity = q;
            } else {
                for (int i = 0; i < offered.size(); i++) {
                    String token = offered.get(i).token();
                    if (coding.equalsIgnoreCase(token) || token.equals("gzip") && coding.equalsIgnoreCase("x-gzip")) {
                        named[i] = Math.max(named[i], q);
                    }
                }
            }
        }

        /**
         * The weight in {@code q=0.5} (parameters other than q ignored), in thousandths; a malformed weight counts
         * as 0, so that a coding is never used on a misread.
         */
        private static int qValue(String params) {
            for (String p : params.split(";")) {
                String t = p.trim();
                if (t.length() >= 2 && (t.charAt(0) == 'q' || t.charAt(0) == 'Q') && t.charAt(1) == '=') {
                    return parseQ(t.substring(2).trim());
                }
            }
            return 1000;
        }

        private static int parseQ(String v) {
            if (v.isEmpty() || v.length() > 5 || (v.charAt(0) != '0' && v.charAt(0) != '1')) {
                return 0;
            }
            if (v.length() == 1) {
                return v.charAt(0) == '1' ? 1000 : 0;
            }
            if (v.charAt(1) != '.') {
                return 0;
            }
            int value = (v.charAt(0) - '0') * 1000;
            int scale = 100;
            for (int i = 2; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c < '0' || c > '9') {
                    return 0;
                }
                value += (c - '0') * scale;
                scale /= 10;
            }
            return Math.min(value, 1000);
        }
    }
}
