package dev.tagger.api;

import dev.tagger.config.TaggerProperties;
import dev.tagger.serving.ServiceUnavailableException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The server-sent event streams of training and bulk jobs (GET /train-jobs/{id}/events, /classify-jobs/{id}/events).
 * <p>
 * The thread that hears a job's events only puts them in the buffers of the streams that follow it; each stream
 * has its own writer, so a client that stops reading stalls its own stream and nobody else's (the event threads
 * are shared by every job and every client). A stream's buffer is bounded: when it is full its oldest progress
 * event is dropped, which loses nothing, since every event carries the whole job. Status and epoch events are not
 * dropped; a client so far behind that its buffer holds nothing else is disconnected (it may reconnect: a stream
 * starts with the job as it is).
 * <p>
 * Open streams are capped ({@code tagger.api.max-streams}; a new one beyond gets 429), and every open stream is
 * ended when shutdown begins: an open stream would otherwise hold graceful shutdown for its whole phase timeout.
 */
@Component
public class EventStreams implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventStreams.class);

    /** How long shutdown waits for the streams' writers to send what they hold and end their responses. */
    private static final long CLOSE_WAIT_MS = 2_000;

    /**
     * One event as a stream sends it.
     *
     * @param name      the SSE event name
     * @param data      written as JSON
     * @param last      the stream ends after this one (the job's final state)
     * @param droppable a slow client may miss it: a later event says all it said
     */
    public record Frame(String name, Object data, boolean last, boolean droppable) {
    }

    /** Where a stream's frames go; the SSE response in service, something else in tests. */
    interface Sink {
        void send(Frame frame) throws IOException;

        void complete();
    }

    /**
     * How a stream follows its job.
     *
     * @param subscribe   adds a listener, which first hears the job as it is
     * @param unsubscribe removes it
     */
    public record Source<E>(Consumer<Consumer<E>> subscribe, Consumer<Consumer<E>> unsubscribe) {
    }

    private final int maxStreams;
    private final int buffer;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<Stream<?>> streams = ConcurrentHashMap.newKeySet();
    private final ExecutorService writers;
    private volatile boolean closing;

    @Autowired
    public EventStreams(TaggerProperties props) {
        this(props.api().maxStreams(), props.api().streamBuffer());
    }

    EventStreams(int maxStreams, int buffer) {
        this.maxStreams = maxStreams;
        this.buffer = buffer;
        // A writer thread runs only while its stream has frames to send; one stuck on a client that does not read
        // holds a thread, never a shared one. Threads are bounded by the stream cap.
        AtomicInteger n = new AtomicInteger();
        this.writers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "event-stream-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Opens a stream that follows a job until its final state, the timeout, the client leaving or shutdown.
     *
     * @param render the frame of each event
     * @throws ServiceUnavailableException 429 when {@code tagger.api.max-streams} are open, 503 during shutdown
     */
    public <E> SseEmitter open(long timeoutMs, Source<E> source, Function<E, Frame> render) {
        SseEmitter emitter = new SseEmitter(timeoutMs);
        Stream<E> stream = open(new EmitterSink(emitter), source, render);
        emitter.onCompletion(stream::closed);
        emitter.onTimeout(stream::closed);
        emitter.onError(t -> stream.closed());
        try {
            source.subscribe().accept(stream);
        } catch (RuntimeException e) {
            stream.closed();
            throw e;
        }
        return emitter;
    }

    /** A stream on any sink; the caller subscribes it to its source. */
    <E> Stream<E> open(Sink sink, Source<E> source, Function<E, Frame> render) {
        if (closing) {
            throw new ServiceUnavailableException(ServiceUnavailableException.Reason.SHUTTING_DOWN,
                    "the service is shutting down; follow the job on another replica or after the restart", 5);
        }
        int now = open.incrementAndGet();
        if (now > maxStreams) {
            open.decrementAndGet();
            throw new ServiceUnavailableException(ServiceUnavailableException.Reason.OVERLOADED,
                    "too many event streams are open (tagger.api.max-streams = " + maxStreams + "); poll the job "
                            + "with GET, or retry when a stream has ended", 10);
        }
        Stream<E> stream = new Stream<>(sink, source, render);
        streams.add(stream);
        return stream;
    }

    /** Streams open now. */
    public int openStreams() {
        return open.get();
    }

    /** One client's stream: its bounded buffer, and the writer that empties it. */
    final class Stream<E> implements Consumer<E> {
        private final Sink sink;
        private final Source<E> source;
        private final Function<E, Frame> render;
        private final ArrayDeque<Frame> frames = new ArrayDeque<>();
        private final AtomicBoolean released = new AtomicBoolean();
        private boolean writing;
        private boolean ended;
        /** Set when the stream must end once what it holds is sent (shutdown, or a client too far behind). */
        private boolean endAfterBuffered;

        Stream(Sink sink, Source<E> source, Function<E, Frame> render) {
            this.sink = sink;
            this.source = source;
            this.render = render;
        }

        /** Called on the source's event thread: buffers and returns at once. */
        @Override
        public void accept(E event) {
            Frame f = render.apply(event);
            synchronized (this) {
                if (ended || endAfterBuffered) {
                    return;
                }
                if (frames.size() >= buffer && !dropOldestDroppable()) {
                    // Only status and epoch events are waiting: the client is hopelessly behind. It may reconnect.
                    log.debug("an event stream's client is {} events behind; ending its stream", frames.size());
                    endAfterBuffered = true;
                } else {
                    frames.add(f);
                    if (f.last()) {
                        endAfterBuffered = true;
                    }
                }
                if (writing) {
                    return;
                }
                writing = true;
            }
            writers.execute(this::write);
        }

        private boolean dropOldestDroppable() {
            for (Iterator<Frame> it = frames.iterator(); it.hasNext(); ) {
                if (it.next().droppable()) {
                    it.remove();
                    return true;
                }
            }
            return false;
        }

        /** The writer: sends until the buffer is empty, then ends the response if the stream is over. */
        private void write() {
            while (true) {
                Frame f;
                boolean end;
                synchronized (this) {
                    f = frames.poll();
                    end = f == null && endAfterBuffered && !ended;
                    if (f == null && !end) {
                        writing = false;
                        return;
                    }
                    if (end) {
                        ended = true;
                    }
                }
                if (end) {
                    sink.complete();
                    closed();
                    return;
                }
                try {
                    sink.send(f);
                } catch (IOException | RuntimeException e) {
                    // The client has gone (or the response was already closed): nothing more to send it.
                    synchronized (this) {
                        ended = true;
                        frames.clear();
                        writing = false;
                    }
                    sink.complete();
                    closed();
                    return;
                }
            }
        }

        /** Ends the stream once what it holds is sent. */
        void end() {
            synchronized (this) {
                if (ended || endAfterBuffered) {
                    return;
                }
                endAfterBuffered = true;
                if (writing) {
                    return;
                }
                writing = true;
            }
            writers.execute(this::write);
        }

        /** The stream is over, however it ended: stop hearing the job and free its slot (once). */
        void closed() {
            if (released.compareAndSet(false, true)) {
                synchronized (this) {
                    ended = true;
                    frames.clear();
                }
                source.unsubscribe().accept(this);
                streams.remove(this);
                open.decrementAndGet();
            }
        }

        synchronized int buffered() {
            return frames.size();
        }
    }

    private static final class EmitterSink implements Sink {
        private final SseEmitter emitter;

        EmitterSink(SseEmitter emitter) {
            this.emitter = emitter;
        }

        @Override
        public void send(Frame f) throws IOException {
            emitter.send(SseEmitter.event().name(f.name()).data(f.data(), MediaType.APPLICATION_JSON));
        }

        @Override
        public void complete() {
            try {
                emitter.complete();
            } catch (RuntimeException e) {
                log.debug("an event stream could not be completed: {}", e.toString());
            }
        }
    }

    @Override
    public void start() {
        closing = false;
    }

    /**
     * Ends every open stream and waits briefly for their writers; a writer stuck on a client that does not read is
     * left to the container's write timeout.
     */
    @Override
    public void stop() {
        closing = true;
        streams.forEach(Stream::end);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
        while (open.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (open.get() > 0) {
            log.info("{} event stream(s) still ending at shutdown", open.get());
        }
    }

    @Override
    public boolean isRunning() {
        return !closing;
    }

    /** Stops before the web server's graceful shutdown (phase {@code DEFAULT_PHASE - 1024}) begins waiting. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 512;
    }
}
