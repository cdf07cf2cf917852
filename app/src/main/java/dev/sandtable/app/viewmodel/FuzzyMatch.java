package dev.sandtable.app.viewmodel;

import java.util.Locale;

/** Subsequence matching with a score that favours prefixes, word starts and runs, as command palettes do. */
public final class FuzzyMatch {
    private FuzzyMatch() {
    }

    /** A score (higher is better), or -1 when {@code query}'s characters do not all appear in order in {@code text}. */
    public static int score(String query, String text) {
        String q = query.toLowerCase(Locale.ROOT).replace(" ", "");
        String t = text.toLowerCase(Locale.ROOT);
        if (q.isEmpty()) return 0;
        int score = 0, ti = 0, run = 0, firstHit = -1;
        for (int qi = 0; qi < q.length(); qi++) {
            char c = q.charAt(qi);
            int found = t.indexOf(c, ti);
            if (found < 0) return -1;
            if (firstHit < 0) firstHit = found;
            boolean wordStart = found == 0 || !Character.isLetterOrDigit(t.charAt(found - 1));
            run = found == ti && qi > 0 ? run + 1 : 0;
            score += 10 + run * 8 + (wordStart ? 12 : 0);
            ti = found + 1;
        }
        if (t.startsWith(q)) score += 40;
        else if (t.contains(q)) score += 25;
        return score - firstHit - (t.length() - q.length()) / 4;
    }
}
