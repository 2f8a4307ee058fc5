package dev.tagger.serving;

import dev.tagger.model.ModelBundle;
import dev.tagger.model.WeightSet;
import dev.tagger.text.TokenizedText;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Batch selection (budget, neighbours in length, no starvation, one model per batch) and admission (all or nothing,
 * reserved before tokenization, by predicted wait against the deadline).
 */
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
        List<PendingText> batch = BatchSelection.select(q, 3, 10_000);
        assertThat(lengths(batch)).containsExactly(19, 20, 21);
    }

    @Test
    void theTokenBudgetCountsWhatThePackedEncoderComputes() {
        List<PendingText> q = new ArrayList<>();
        for (int len : new int[] {10, 10, 10, 10, 40}) {
            q.add(text(len, null));
        }
        assertThat(lengths(BatchSelection.select(q, 32, 40))).containsExactly(10, 10, 10, 10);
        assertThat(lengths(BatchSelection.select(q, 32, 39))).containsExactly(10, 10, 10);
        // Packed, a long text costs its own tokens, not the batch's size times its length.
        List<PendingText> mixed = new ArrayList<>(List.of(text(10, null), text(30, null), text(10, null)));
        assertThat(lengths(BatchSelection.select(mixed, 32, 50))).containsExactly(10, 10, 30);
        assertThat(lengths(BatchSelection.select(mixed, 32, 49))).containsExactly(10, 10);
    }

    @Test
    void aTorchScriptModulePadsSoItsBudgetCountsPaddedTokens() {
        ServingModel module = new ServingModel(new ModelBundle("ts", "v1", null, List.of("a"), new float[] {0.5f}, null,
                false, 128, null, new WeightSet(Map.of()), new byte[0], null, Path.of("module")), Map.of());
        List<PendingText> q = new ArrayList<>(List.of(text(10, module), text(30, module), text(10, module)));
        assertThat(lengths(BatchSelection.select(q, 32, 60))).containsExactly(10, 10);
        assertThat(lengths(BatchSelection.select(q, 32, 90))).containsExactly(10, 10, 30);
    }

    @Test
    void aTextLongerThanTheBudgetStillRunsAlone() {
        List<PendingText> q = new ArrayList<>(List.of(text(300, null), text(5, null)));
        assertThat(lengths(BatchSelection.select(q, 32, 128))).containsExactly(300);
    }

    @Test
    void aBatchHoldsTextsOfOneModelOnly() {
        List<PendingText> q = new ArrayList<>();
        ServingModel a = null;
        q.add(text(10, a));
        ServingModel other = new ServingModel(null, java.util.Map.of());
        q.add(text(10, other));
        q.add(text(11, a));
        List<PendingText> batch = BatchSelection.select(q, 32, 10_000);
        assertThat(batch).hasSize(2).allMatch(p -> p.model == a);
    }

    static void offer(BatchQueue queue, List<PendingText> texts) {
        queue.commit(queue.reserve(texts.size(), texts.stream().mapToInt(PendingText::length).sum()), texts);
    }

    static BatchQueue queue(int capacity) {
        return new BatchQueue(capacity, Duration.ofSeconds(30));
    }

    @Test
    void admissionIsAllOrNothing() throws Exception {
        BatchQueue queue = queue(4);
        offer(queue, List.of(text(5, null), text(5, null), text(5, null)));
        assertThatThrownBy(() -> offer(queue, List.of(text(5, null), text(5, null))))
                .isInstanceOfSatisfying(ServiceUnavailableException.class,
                        e -> assertThat(e.reason()).isEqualTo(ServiceUnavailableException.Reason.OVERLOADED));
        assertThat(queue.size()).isEqualTo(3);
        offer(queue, List.of(text(5, null)));
        assertThat(queue.take(32, 10_000, 0)).hasSize(4);
    }

    @Test
    void aReservationHoldsRoomUntilCommittedOrCancelled() {
        BatchQueue queue = queue(4);
        BatchQueue.Reservation r = queue.reserve(3, 30);
        assertThatThrownBy(() -> queue.reserve(2, 20)).isInstanceOf(ServiceUnavailableException.class);
        assertThat(queue.pendingTokens()).isEqualTo(30);
        queue.cancel(r);
        queue.cancel(r);
        assertThat(queue.pendingTokens()).isZero();
        queue.reserve(4, 40);
    }

    @Test
    void aRequestPredictedToMissItsDeadlineIsRefusedWithRetryAfterFromTheEstimate() throws Exception {
        BatchQueue queue = new BatchQueue(10_000, Duration.ofSeconds(10));
        queue.setWorkers(2);
        // Measured: one worker computes 1,000 tokens per second (many batches, so the prior is forgotten).
        for (int i = 0; i < 200; i++) {
            offer(queue, List.of(text(100, null)));
            queue.finished(queue.take(32, 10_000, 0), 100_000_000L);
        }
        assertThat(queue.tokensPerSecond()).isCloseTo(1_000, within(1.0));
        assertThat(queue.pendingTokens()).isZero();
        // 2 workers x 1,000 tokens/s with 80% of 10 s planned: 16,000 tokens fit, the next 4,000 would not.
        offer(queue, List.of(text(8_000, null), text(8_000, null)));
        assertThatThrownBy(() -> queue.reserve(1, 4_000)).isInstanceOfSatisfying(ServiceUnavailableException.class, e -> {
            assertThat(e.reason()).isEqualTo(ServiceUnavailableException.Reason.OVERLOADED);
            assertThat(e.retryAfterSeconds()).isEqualTo(2);
        });
        // Running work still counts until it is finished.
        List<PendingText> running = queue.take(1, 10_000, 0);
        assertThatThrownBy(() -> queue.reserve(1, 4_000)).isInstanceOf(ServiceUnavailableException.class);
        queue.finished(running, 8_000_000_000L);
        queue.reserve(1, 4_000);
    }

    @Test
    void aBatchRunningLongerThanTheEstimateLowersTheThroughputBeforeItEnds() throws Exception {
        BatchQueue queue = queue(64);
        assertThat(queue.tokensPerSecond()).as("the prior").isEqualTo(BatchQueue.PRIOR_TOKENS_PER_SECOND, within(1e-6));
        offer(queue, List.of(text(100, null)));
        List<PendingText> running = queue.take(32, 10_000, 0);
        Thread.sleep(300);
        // 100 tokens still unfinished after 0.3 s: this worker runs at under 334 tokens/s, whatever the average said.
        assertThat(queue.tokensPerSecond()).isLessThan(334);
        queue.finished(running, 300_000_000L);
        assertThat(queue.tokensPerSecond()).isGreaterThan(334);
    }

    @Test
    void anIdleQueueAdmitsEvenWorkLongerThanTheDeadline() {
        BatchQueue queue = new BatchQueue(10_000, Duration.ofMillis(1));
        queue.reserve(64, 1_000_000);
        assertThatThrownBy(() -> queue.reserve(1, 1)).isInstanceOf(ServiceUnavailableException.class);
    }

    @Test
    void cancelledTextsAreDroppedAndStopCounting() throws Exception {
        BatchQueue queue = queue(8);
        PendingText gone = text(5, null);
        PendingText kept = text(7, null);
        offer(queue, List.of(gone));
        offer(queue, List.of(kept));
        gone.ticket.cancel();
        assertThat(queue.take(32, 10_000, 0)).containsExactly(kept);
        assertThat(queue.pendingTokens()).isEqualTo(7);
    }
}
