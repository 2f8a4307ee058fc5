package dev.tagger.serving;

import dev.tagger.catalog.ModelServer;
import dev.tagger.config.TaggerProperties;
import dev.tagger.engine.DeviceSelector;
import dev.tagger.engine.TorchEngine;
import dev.tagger.model.ModelBundle;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Workers per device around one batch queue, and the model they serve. The model loads in the
 * background at start (readiness stays DOWN until it is warm) and can be swapped at any time:
 * requests admitted before a swap finish on the model they started with.
 */
@Component
public class PredictorPool implements SmartLifecycle, ModelServer {

    private static final Logger log = LoggerFactory.getLogger(PredictorPool.class);

    private final TaggerProperties props;
    private final InferenceMetrics metrics;
    private final Supplier<ModelBundle> initialModel;
    private final BatchQueue queue;
    private final AtomicReference<ServingModel> current = new AtomicReference<>();
    private final AtomicInteger busy = new AtomicInteger();
    private final List<Thread> workers = new ArrayList<>();
    private final Object swapLock = new Object();
    private volatile List<Device> devices = List.of();
    private volatile String loadError;
    private volatile boolean running;
    private MultiGauge modelInfo;

    public PredictorPool(TaggerProperties props, InferenceMetrics metrics, Supplier<ModelBundle> initialModel) {
        this.props = props;
        this.metrics = metrics;
        this.initialModel = initialModel;
        this.queue = new BatchQueue(props.batching().queueCapacity(), props.batching().requestTimeout());
        Gauge.builder("tagger.queue.depth", queue, BatchQueue::size).description("Texts waiting in the batch queue")
                .register(metrics.registry());
        Gauge.builder("tagger.queue.tokens", queue, BatchQueue::pendingTokens)
                .description("Tokens admitted and not yet computed (queued, being tokenized, running)")
                .register(metrics.registry());
        Gauge.builder("tagger.worker.throughput", queue, BatchQueue::tokensPerSecond)
                .description("Measured tokens per second of one worker, which admission plans with")
                .register(metrics.registry());
        Gauge.builder("tagger.workers.busy", busy, AtomicInteger::get).description("Workers running a batch")
                .register(metrics.registry());
        Gauge.builder("tagger.queue.background.depth", queue, BatchQueue::backgroundSize)
                .description("Texts of bulk jobs waiting in the batch queue's background lane")
                .register(metrics.registry());
    }

    /** How the batch queue cuts bulk (background) batches; see {@link BatchQueue#configureBackground}. */
    public void configureBackground(int maxBatchSize, int maxBatchTokens, java.time.Duration interactiveQuiet) {
        queue.configureBackground(maxBatchSize, maxBatchTokens, interactiveQuiet);
    }

    /** Inference workers across all devices (0 before start). */
    public int workerCount() {
        return workers.size();
    }

    @Override
    public void start() {
        TorchEngine.start(props.threads().intraOp(), props.threads().interOp());
        devices = DeviceSelector.resolve(props.device(), Engine.getEngine("PyTorch").getGpuCount());
        modelInfo = MultiGauge.builder("tagger.model.info").description("The served model (value 1)")
                .register(metrics.registry());
        long waitNanos = props.batching().maxWait().toNanos();
        for (Device d : devices) {
            for (int i = 0; i < props.workersFor(d.isGpu()); i++) {
                Thread t = new Thread(new InferenceWorker(queue, d, props.batching().maxBatchSize(),
                        props.batching().maxBatchTokens(), waitNanos, metrics, busy), "infer-" + d + "-" + i);
                t.setDaemon(true);
                t.start();
                workers.add(t);
            }
        }
        queue.setWorkers(workers.size());
        running = true;
        Thread loader = new Thread(() -> {
            try {
                deploy(initialModel.get());
            } catch (RuntimeException e) {
                loadError = e.getMessage();
                log.error("the initial model could not be loaded", e);
            }
        }, "model-loader");
        loader.setDaemon(true);
        loader.start();
    }

    /** Loads and warms the bundle on every device, then makes it the served model. */
    public ServingModel deploy(ModelBundle bundle) {
        synchronized (swapLock) {
            long t0 = System.nanoTime();
            ModelBundle b = props.model().maxTokens() != null ? bundle.withMaxTokens(props.model().maxTokens()) : bundle;
            ServingModel next = ServingModel.load(b, devices, props.precision());
            ServingModel previous = current.getAndSet(next);
            if (previous != null) {
                previous.retire();
            }
            modelInfo.register(devices.stream().map(d -> MultiGauge.Row.of(Tags.of("id", b.id(), "version", b.version(),
                    "device", d.toString(), "precision", next.replica(d).precision()), 1)).toList(), true);
            log.info("serving model {} version {} on {} ({} ms to load and warm up)", b.id(), b.version(), devices,
                    (System.nanoTime() - t0) / 1_000_000);
            return next;
        }
    }

    @Override
    public ModelBundle serve(ModelBundle bundle) {
        return deploy(bundle).bundle();
    }

    @Override
    public String servedId() {
        ServingModel m = current.get();
        return m != null ? m.bundle().id() : null;
    }

    @Override
    public String servedVersion() {
        ServingModel m = current.get();
        return m != null ? m.bundle().version() : null;
    }

    /** The served model, held until {@link #release(ServingModel)}. */
    ServingModel acquire() {
        while (true) {
            ServingModel m = current.get();
            if (m == null) {
                throw new ServiceUnavailableException(ServiceUnavailableException.Reason.NOT_READY,
                        loadError != null ? "no model is loaded: " + loadError : "the model is still loading", 5);
            }
            if (m.tryAcquire()) {
                return m;
            }
        }
    }

    void release(ServingModel m) {
        m.release();
    }

    /** Runs {@code work} with the served model held, so that a deploy meanwhile cannot close it under the caller. */
    public <T> T withCurrent(Function<ServingModel, T> work) {
        ServingModel m = acquire();
        try {
            return work.apply(m);
        } finally {
            release(m);
        }
    }

    /** The served model, or null while loading (for reads that do not run inference). */
    public ServingModel current() {
        return current.get();
    }

    public boolean ready() {
        return current.get() != null;
    }

    public String loadError() {
        return loadError;
    }

    public List<Device> devices() {
        return devices;
    }

    BatchQueue queue() {
        return queue;
    }

    @Override
    public void stop() {
        running = false;
        try {
            // Graceful: what was admitted is answered; the web server has stopped taking new requests.
            queue.awaitEmpty(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.close();
        for (Thread t : workers) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ServingModel m = current.getAndSet(null);
        if (m != null) {
            m.retire();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the web server (which drains HTTP first), starts before it. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 4096;
    }
}
