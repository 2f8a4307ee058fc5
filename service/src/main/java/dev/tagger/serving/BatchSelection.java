package dev.tagger.serving;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How a batch is cut from the queue: around the oldest waiting entry, from the entries of the same model closest to
 * it in length, within a token budget that counts what the encoder computes. Padding (where a model pads) stays
 * small and nothing starves.
 */
final class BatchSelection {

    private BatchSelection() {
    }

    /** The oldest entry plus its nearest neighbours in length (same model only), within the budget. */
    static List<PendingText> select(List<PendingText> queued, int maxSize, int maxTokens) {
        PendingText oldest = queued.get(0);
        List<PendingText> same = new ArrayList<>();
        for (PendingText p : queued) {
            if (p.model == oldest.model) {
                same.add(p);
            }
        }
        same.sort(Comparator.comparingInt(PendingText::length));
        boolean packed = oldest.model == null || oldest.model.packed();
        int at = same.indexOf(oldest);
        int lo = at;
        int hi = at;
        int longest = oldest.length();
        long sum = oldest.length();
        while (hi - lo + 1 < maxSize) {
            PendingText below = lo > 0 ? same.get(lo - 1) : null;
            PendingText above = hi + 1 < same.size() ? same.get(hi + 1) : null;
            boolean takeBelow = above == null
                    || (below != null && oldest.length() - below.length() <= above.length() - oldest.length());
            PendingText next = takeBelow ? below : above;
            if (!fits(next, packed, hi - lo + 2, longest, sum, maxTokens)) {
                next = takeBelow ? above : below;
                takeBelow = !takeBelow;
                if (!fits(next, packed, hi - lo + 2, longest, sum, maxTokens)) {
                    break;
                }
            }
            if (takeBelow) {
                lo--;
            } else {
                hi++;
            }
            longest = Math.max(longest, next.length());
            sum += next.length();
        }
        return new ArrayList<>(same.subList(lo, hi + 1));
    }

    private static boolean fits(PendingText next, boolean packed, int size, int longest, long sum, int maxTokens) {
        return next != null && cost(packed, size, Math.max(longest, next.length()), sum + next.length()) <= maxTokens;
    }

    /** What the encoder computes for a batch: every real token when it packs, size x longest when it pads. */
    static long cost(boolean packed, int size, int longest, long sum) {
        return packed ? sum : (long) size * longest;
    }
}
