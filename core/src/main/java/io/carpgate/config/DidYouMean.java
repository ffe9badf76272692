package io.carpgate.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** The known word a mistyped one was most likely meant to be: {@code pin-sha265} → {@code pin-sha256}. */
final class DidYouMean {
    private DidYouMean() {}

    /**
     * The closest of {@code known}, when it is close enough to be a typo: at most two edits (a swap of two neighbours
     * counts as one; one edit for words of three letters or fewer), or the same start but for the last two letters of
     * the shorter word ({@code enforcing}, {@code enforce}; {@code warning}, {@code warn}). Case, '_' and '-'
     * differences are free.
     */
    static Optional<String> closest(String typed, Collection<String> known) {
        String t = fold(typed);
        return known.stream()
                .filter(k -> close(t, fold(k)))
                .min(Comparator.comparingInt((String k) -> distance(t, fold(k))).thenComparing(k -> k));
    }

    /** {@code "; did you mean 'x'?"} to end a message with, or nothing. */
    static String hint(String typed, Collection<String> known) {
        return closest(typed, known).map(k -> "; did you mean '" + k + "'?").orElse("");
    }

    private static boolean close(String typed, String known) {
        if (typed.isEmpty() || known.isEmpty()) {
            return false;
        }
        int shorter = Math.min(typed.length(), known.length());
        int limit = shorter <= 3 ? 1 : 2;
        int common = 0;
        while (common < shorter && typed.charAt(common) == known.charAt(common)) {
            common++;
        }
        return common >= Math.max(4, shorter - 2) || distance(typed, known) <= limit;
    }

    private static String fold(String word) {
        return word.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
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
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
