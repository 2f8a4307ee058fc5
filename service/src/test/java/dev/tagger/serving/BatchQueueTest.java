package dev.tagger.serving;

import dev.tagger.text.TokenizedText;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Batch selection: budget, neighbours in length, no starvation, one model per batch, all-or-nothing admission. */
class BatchQueueTest {

    static PendingText text(int length, ServingModel model) {
        return new PendingText(new TokenizedText(new long[length], new long[length], false), 0, new RequestTicket(1), model);
    }

    static List<Integer> lengths(List<PendingText> batch) {
        return batch.stream().map(PendingText::length).toList();
    }

    @Test
    void theOldestTextAlwaysRunsWithItsNeighboursInLength() {
        List<PendingText> q = new ArrayList<>();
        for (int len : new int[] {20, 5, 6, 100, 21, 19, 50}) {
            q.add(text(len, null));
        }
        List<PendingText> batch = BatchQueue.select(q, 3, 10_000);
        assertThat(lengths(batch)).containsExactly(19, 20, 21);
    }

    @Test
    void theTokenBudgetCountsPaddedTokens() {
        List<PendingText> q = new ArrayList<>();
        for (int len : new int[] {10, 10, 10, 10, 40}) {
            q.add(text(len, null));
        }
        assertThat(lengths(BatchQueue.select(q, 32, 40))).containsExactly(10, 10, 10, 10);
        assertThat(lengths(BatchQueue.select(q, 32, 39))).containsExactly(10, 10, 10);
    }

    @Test
    void aTextLongerThanTheBudgetStillRunsAlone() {
        List<PendingText> q = new ArrayList<>(List.of(text(300, null), text(5, null)));
        assertThat(lengths(BatchQueue.select(q, 32, 128))).containsExactly(300);
    }

    @Test
    void aBatchHoldsTextsOfOneModelOnly() {
        List<PendingText> q = new ArrayList<>();
        ServingModel a = null;
        q.add(text(10, a));
        ServingModel other = new ServingModel(null, java.util.Map.of());
        q.add(text(10, other));
        q.add(text(11, a));
        List<PendingText> batch = BatchQueue.select(q, 32, 10_000);
        assertThat(batch).hasSize(2).allMatch(p -> p.model == a);
    }

    @Test
    void admissionIsAllOrNothing() throws Exception {
        BatchQueue queue = new BatchQueue(4);
        assertThat(queue.offer(List.of(text(5, null), text(5, null), text(5, null)))).isTrue();
        assertThat(queue.offer(List.of(text(5, null), text(5, null)))).isFalse();
        assertThat(queue.size()).isEqualTo(3);
        assertThat(queue.offer(List.of(text(5, null)))).isTrue();
        assertThat(queue.take(32, 10_000, 0)).hasSize(4);
    }

    @Test
    void cancelledTextsAreDropped() throws Exception {
        BatchQueue queue = new BatchQueue(8);
        PendingText gone = text(5, null);
        PendingText kept = text(7, null);
        queue.offer(List.of(gone));
        queue.offer(List.of(kept));
        gone.ticket.cancel();
        assertThat(queue.take(32, 10_000, 0)).containsExactly(kept);
    }
}
