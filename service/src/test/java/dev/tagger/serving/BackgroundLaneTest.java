package dev.tagger.serving;

import dev.tagger.text.TokenizedText;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The batch queue's background lane (bulk jobs): interactive entries always go first, background batches keep to
 * their own budget, leave a worker free while interactive traffic is recent, and never count against admission.
 */
class BackgroundLaneTest {

    private static List<PendingText> texts(int n, int length, boolean background, RequestTicket ticket) {
        List<PendingText> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new PendingText(new TokenizedText(new long[length], new long[length], false), i, ticket, null,
                    background));
        }
        return out;
    }

    @Test
    void interactiveEntriesAreTakenBeforeBackgroundOnesQueuedEarlier() throws Exception {
        BatchQueue q = new BatchQueue(64, Duration.ofSeconds(30));
        q.commitBackground(texts(8, 10, true, new RequestTicket(8)));
        q.commit(q.reserve(2, 20), texts(2, 10, false, new RequestTicket(2)));
        List<PendingText> first = q.take(32, 10_000, 0);
        assertThat(first).hasSize(2).allMatch(p -> !p.background);
        q.finished(first, 1_000_000);
        List<PendingText> second = q.take(32, 10_000, 0);
        assertThat(second).hasSize(8).allMatch(p -> p.background);
    }

    @Test
    void backgroundBatchesKeepToTheirOwnBudget() throws Exception {
        BatchQueue q = new BatchQueue(64, Duration.ofSeconds(30));
        q.configureBackground(5, 35, Duration.ZERO);
        q.commitBackground(texts(20, 10, true, new RequestTicket(20)));
        List<PendingText> first = q.take(32, 10_000, 0);
        assertThat(first).hasSize(3);
        q.finished(first, 1_000_000);
        q.configureBackground(2, 10_000, Duration.ZERO);
        assertThat(q.take(32, 10_000, 0)).hasSize(2);
        assertThat(q.backgroundSize()).isEqualTo(15);
        assertThat(q.backgroundTokens()).isEqualTo(150);
    }

    @Test
    void whileInteractiveTrafficIsRecentOneWorkerStaysFreeOfBackgroundWork() throws Exception {
        BatchQueue q = new BatchQueue(64, Duration.ofSeconds(30));
        q.setWorkers(2);
        q.configureBackground(4, 10_000, Duration.ofSeconds(30));
        // An interactive request just ran: the quiet time has not passed.
        List<PendingText> interactive = texts(1, 5, false, new RequestTicket(1));
        q.commit(q.reserve(1, 5), interactive);
        q.finished(q.take(32, 10_000, 0), 1_000_000);
        q.commitBackground(texts(8, 10, true, new RequestTicket(8)));
        List<PendingText> one = q.take(32, 10_000, 0);
        assertThat(one).hasSize(4);
        CompletableFuture<List<PendingText>> other = CompletableFuture.supplyAsync(() -> {
            try {
                return q.take(32, 10_000, 0);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThatThrownBy(() -> other.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        // The free worker still takes interactive work at once.
        q.commit(q.reserve(1, 5), texts(1, 5, false, new RequestTicket(1)));
        List<PendingText> next = other.get(5, TimeUnit.SECONDS);
        assertThat(next).hasSize(1).allMatch(p -> !p.background);
        q.finished(next, 1_000_000);
        q.finished(one, 1_000_000);
        assertThat(q.take(32, 10_000, 0)).hasSize(4).allMatch(p -> p.background);
    }

    @Test
    void onceInteractiveTrafficIsQuietBackgroundWorkUsesEveryWorker() throws Exception {
        BatchQueue q = new BatchQueue(64, Duration.ofSeconds(30));
        q.setWorkers(2);
        q.configureBackground(4, 10_000, Duration.ZERO);
        q.commitBackground(texts(8, 10, true, new RequestTicket(8)));
        assertThat(q.take(32, 10_000, 0)).hasSize(4);
        assertThat(q.take(32, 10_000, 0)).hasSize(4);
    }

    @Test
    void backgroundWorkIsNotCountedByAdmission() {
        BatchQueue q = new BatchQueue(4, Duration.ofSeconds(1));
        q.commitBackground(texts(1_000, 100, true, new RequestTicket(1_000)));
        // Neither the cap on queued entries nor the predicted wait sees the 100,000 background tokens.
        BatchQueue.Reservation r = q.reserve(4, 40);
        q.cancel(r);
        assertThat(q.pendingTokens()).isZero();
    }

    @Test
    void cancelledBackgroundWorkIsDropped() throws Exception {
        BatchQueue q = new BatchQueue(64, Duration.ofSeconds(30));
        RequestTicket gone = new RequestTicket(4);
        q.commitBackground(texts(4, 10, true, gone));
        RequestTicket kept = new RequestTicket(2);
        q.commitBackground(texts(2, 30, true, kept));
        gone.cancel();
        List<PendingText> batch = q.take(32, 10_000, 0);
        assertThat(batch).hasSize(2).allMatch(p -> p.ticket == kept);
        assertThat(q.backgroundTokens()).isZero();
    }

    @Test
    void aClosedQueueRefusesBackgroundWork() {
        BatchQueue q = new BatchQueue(64, Duration.ofSeconds(30));
        q.close();
        assertThatThrownBy(() -> q.commitBackground(texts(1, 5, true, new RequestTicket(1))))
                .isInstanceOf(ServiceUnavailableException.class);
    }
}
