package dev.tagger.serving;

import dev.tagger.model.ModelBundle;
import dev.tagger.model.WeightSet;
import dev.tagger.model.nn.Predictor;
import dev.tagger.text.TextTokenizer;
import dev.tagger.text.TokenizedText;

import ai.djl.Device;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The worker's own lease on the model, and failures inside a batch answered with their reason; no engine needed. */
class InferenceWorkerTest {

    /** A predictor that waits for {@link #go} inside each call, fails on texts longer than 8 tokens, and notes misuse. */
    static final class FakePredictor implements Predictor {
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch go = new CountDownLatch(1);
        final AtomicBoolean running = new AtomicBoolean();
        final AtomicBoolean closedWhileRunning = new AtomicBoolean();
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public float[][] probabilities(List<TokenizedText> texts) {
            running.set(true);
            try {
                inside.countDown();
                go.await(10, TimeUnit.SECONDS);
                for (TokenizedText t : texts) {
                    if (t.length() > 8) {
                        throw new IllegalStateException("the module has 8 positions, the text has " + t.length()
                                + " tokens\n  at code/__torch__/model.py:12");
                    }
                }
                float[][] out = new float[texts.size()][];
                for (int i = 0; i < out.length; i++) {
                    out[i] = new float[] {texts.get(i).length() / 10f};
                }
                return out;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                running.set(false);
            }
        }

        @Override
        public TextTokenizer tokenizer() {
            throw new UnsupportedOperationException();
        }

        @Override
        public String precision() {
            return "fake";
        }

        @Override
        public void close() {
            closedWhileRunning.compareAndSet(false, running.get());
            closed.set(true);
        }
    }

    private final BatchQueue queue = new BatchQueue(64, Duration.ofSeconds(30));
    private final InferenceWorker worker = new InferenceWorker(queue, Device.cpu(), 32, 4096, 0,
            new InferenceMetrics(new SimpleMeterRegistry()), new AtomicInteger());

    private static ServingModel model(FakePredictor p) {
        return new ServingModel(new ModelBundle("fake", "v1", null, List.of("a"), new float[] {0.5f}, null, false, 8,
                null, new WeightSet(Map.of()), new byte[0], null), Map.of(Device.cpu(), p));
    }

    private static PendingText text(int length, RequestTicket ticket, int index, ServingModel m) {
        return new PendingText(new TokenizedText(new long[length], new long[length], false), index, ticket, m);
    }

    private List<PendingText> queued(List<PendingText> texts) throws InterruptedException {
        queue.commit(queue.reserve(texts.size(), 0), texts);
        return queue.take(32, 4096, 0);
    }

    @Test
    void aRetiredModelWhoseLastRequestGivesUpStaysOpenUntilTheRunningBatchEnds() throws Exception {
        FakePredictor predictor = new FakePredictor();
        ServingModel m = model(predictor);
        assertThat(m.tryAcquire()).as("the request's lease").isTrue();
        RequestTicket ticket = new RequestTicket(1);
        List<PendingText> batch = queued(List.of(text(5, ticket, 0, m)));
        Thread t = new Thread(() -> worker.runBatch(batch));
        t.start();
        assertThat(predictor.inside.await(10, TimeUnit.SECONDS)).isTrue();
        // A deploy retires the model, then the request times out and lets go of its lease.
        m.retire();
        ticket.cancel();
        m.release();
        assertThat(m.closed()).as("closed under a running batch").isFalse();
        assertThat(m.tryAcquire()).as("a retired model takes no new requests").isFalse();
        predictor.go.countDown();
        t.join(10_000);
        assertThat(m.closed()).isTrue();
        assertThat(predictor.closed).isTrue();
        assertThat(predictor.closedWhileRunning).isFalse();
        assertThat(queue.pendingTokens()).isZero();
    }

    @Test
    void aBatchForAClosedModelIsDroppedWithoutRunning() throws Exception {
        FakePredictor predictor = new FakePredictor();
        predictor.go.countDown();
        ServingModel m = model(predictor);
        RequestTicket ticket = new RequestTicket(1);
        List<PendingText> batch = queued(List.of(text(5, ticket, 0, m)));
        ticket.cancel();
        m.retire();
        worker.runBatch(batch);
        assertThat(predictor.inside.getCount()).as("never called").isEqualTo(1);
        assertThat(queue.pendingTokens()).isZero();
    }

    @Test
    void aTextTheModelCannotScoreFailsOnlyItsOwnRequestWithTheReason() throws Exception {
        FakePredictor predictor = new FakePredictor();
        predictor.go.countDown();
        ServingModel m = model(predictor);
        RequestTicket good = new RequestTicket(1);
        RequestTicket bad = new RequestTicket(1);
        worker.runBatch(queued(List.of(text(5, good, 0, m), text(12, bad, 0, m))));
        assertThat(good.future().get()[0]).containsExactly(0.5f);
        assertThatThrownBy(() -> bad.future().get()).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(ServiceUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ServiceUnavailableException.Reason.INFERENCE_FAILED);
                    assertThat(e.getMessage()).contains("fake", "12 tokens", "8 positions").doesNotContain("__torch__");
                });
        assertThat(m.closed()).isFalse();
    }
}
