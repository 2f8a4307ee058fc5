package dev.tagger.api;

import dev.tagger.serving.ServiceUnavailableException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Streams with sinks that record, stall or fail, fed from one publishing thread as the job events are. */
class EventStreamsTest {

    /** A job's events as the source sends them: "progress n" (droppable), "epoch n", and "done" (the last). */
    private record Event(String name, int n) {
        static Event progress(int n) {
            return new Event("progress", n);
        }
    }

    private static EventStreams.Frame frame(Event e) {
        return new EventStreams.Frame(e.name(), e.n(), e.name().equals("done"), e.name().equals("progress"));
    }

    /** The listeners of one job. */
    private static final class Job {
        final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
        final EventStreams.Source<Event> source = new EventStreams.Source<>(listeners::add, listeners::remove);

        void publish(Event e) {
            listeners.forEach(l -> l.accept(e));
        }
    }

    /** Records what it is sent; {@link #gate} (when set) holds every send until it opens. */
    private static final class Recording implements EventStreams.Sink {
        final List<EventStreams.Frame> sent = new CopyOnWriteArrayList<>();
        final CountDownLatch completed = new CountDownLatch(1);
        final CountDownLatch firstSend = new CountDownLatch(1);
        volatile CountDownLatch gate;
        volatile boolean fail;

        @Override
        public void send(EventStreams.Frame frame) throws IOException {
            firstSend.countDown();
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            if (fail) {
                throw new IOException("Broken pipe");
            }
            sent.add(frame);
        }

        @Override
        public void complete() {
            completed.countDown();
        }

        List<String> names() {
            return sent.stream().map(EventStreams.Frame::name).toList();
        }
    }

    private final EventStreams streams = new EventStreams(4, 8);

    @AfterEach
    void stop() {
        streams.stop();
    }

    private EventStreams.Stream<Event> follow(Job job, Recording sink) {
        EventStreams.Stream<Event> s = streams.open(sink, job.source, EventStreamsTest::frame);
        job.source.subscribe().accept(s);
        return s;
    }

    @Test
    void aClientThatStopsReadingStallsOnlyItsOwnStreamAndItsBufferStaysBounded() throws Exception {
        Job job = new Job();
        Recording stalled = new Recording();
        stalled.gate = new CountDownLatch(1);
        Recording reader = new Recording();
        EventStreams.Stream<Event> stalledStream = follow(job, stalled);
        follow(job, reader);

        job.publish(Event.progress(0));
        assertThat(stalled.firstSend.await(5, TimeUnit.SECONDS)).isTrue();
        // The publisher is the shared event thread: it must get through every event while one client is stuck.
        long t0 = System.nanoTime();
        for (int i = 1; i <= 5_000; i++) {
            job.publish(Event.progress(i));
            if (i % 1000 == 0) {
                job.publish(new Event("epoch", i / 1000));
            }
        }
        job.publish(new Event("done", 0));
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(5);

        assertThat(reader.completed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(reader.names()).endsWith("done");
        assertThat(reader.names().stream().filter("epoch"::equals)).hasSize(5);
        assertThat(stalledStream.buffered()).isLessThanOrEqualTo(8);
        assertThat(stalled.sent).isEmpty();

        // Once it reads again it gets what it could not have done without: every epoch and the final state.
        stalled.gate.countDown();
        assertThat(stalled.completed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(stalled.names()).endsWith("done");
        assertThat(stalled.names().stream().filter("epoch"::equals)).hasSize(5);
        assertThat(stalled.sent).hasSizeLessThanOrEqualTo(1 + 8);
        awaitOpen(0);
        assertThat(job.listeners).isEmpty();
    }

    @Test
    void aClientBehindByMoreThanItsBufferOfEventsThatCannotBeDroppedIsDisconnected() throws Exception {
        Job job = new Job();
        Recording stalled = new Recording();
        stalled.gate = new CountDownLatch(1);
        follow(job, stalled);
        job.publish(new Event("epoch", 0));
        assertThat(stalled.firstSend.await(5, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i <= 20; i++) {
            job.publish(new Event("epoch", i));
        }
        stalled.gate.countDown();
        assertThat(stalled.completed.await(10, TimeUnit.SECONDS)).isTrue();
        // epoch 0 was being sent; 8 more fitted; the rest would have grown the buffer without bound
        assertThat(stalled.sent).hasSize(9);
        awaitOpen(0);
        assertThat(job.listeners).isEmpty();
    }

    @Test
    void openStreamsAreCappedAndASlotFreesWhenAStreamEnds() throws Exception {
        Job job = new Job();
        Recording first = new Recording();
        follow(job, first);
        for (int i = 1; i < 4; i++) {
            follow(job, new Recording());
        }
        assertThatThrownBy(() -> follow(job, new Recording()))
                .isInstanceOfSatisfying(ServiceUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ServiceUnavailableException.Reason.OVERLOADED);
                    assertThat(e.getMessage()).contains("tagger.api.max-streams = 4");
                    assertThat(e.retryAfterSeconds()).isPositive();
                });

        first.fail = true;
        job.publish(Event.progress(1));
        assertThat(first.completed.await(5, TimeUnit.SECONDS)).isTrue();
        awaitOpen(3);
        assertThat(job.listeners).hasSize(3);
        follow(job, new Recording());
        assertThat(streams.openStreams()).isEqualTo(4);
    }

    @Test
    void shutdownEndsEveryOpenStreamAfterWhatItHoldsAndRefusesNewOnes() throws Exception {
        Job job = new Job();
        Recording a = new Recording();
        Recording b = new Recording();
        follow(job, a);
        follow(job, b);
        job.publish(new Event("epoch", 1));

        long t0 = System.nanoTime();
        streams.stop();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2_000);
        assertThat(a.completed.getCount()).isZero();
        assertThat(b.completed.getCount()).isZero();
        assertThat(a.names()).containsExactly("epoch");
        assertThat(streams.openStreams()).isZero();
        assertThat(job.listeners).isEmpty();
        assertThatThrownBy(() -> follow(job, new Recording()))
                .isInstanceOfSatisfying(ServiceUnavailableException.class, e ->
                        assertThat(e.reason()).isEqualTo(ServiceUnavailableException.Reason.SHUTTING_DOWN));
    }

    private void awaitOpen(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (streams.openStreams() != n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(streams.openStreams()).isEqualTo(n);
    }
}
